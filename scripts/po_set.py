"""Fill or correct nb translations, and list what is missing.

    .venv/bin/python scripts/po_set.py --missing            # untranslated and fuzzy nb entries
    .venv/bin/python scripts/po_set.py FILE.tsv              # msgid<TAB>msgstr per line

A line's msgid is the English text exactly as in the code (``\\n`` for a newline); for a plural
entry give both forms of msgstr separated by `` || ``. A fuzzy flag is removed when an entry is
set. Run ``forlop makemessages`` first so the catalogue has the new msgids.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale" / "nb" / "LC_MESSAGES" / "django.po"


def main(argv: list[str]) -> int:
    po = polib.pofile(str(PO), wrapwidth=0)
    if argv == ["--missing"]:
        for entry in po:
            if entry.obsolete:
                continue
            if not entry.translated() or entry.fuzzy:
                print(entry.msgid.replace("\n", "\\n"))
        return 0
    if len(argv) != 1:
        print(__doc__)
        return 2
    by_id = {entry.msgid: entry for entry in po}
    unknown = 0
    for line in Path(argv[0]).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        msgid, _, msgstr = line.partition("\t")
        msgid, msgstr = msgid.replace("\\n", "\n"), msgstr.replace("\\n", "\n")
        entry = by_id.get(msgid)
        if entry is None:
            print(f"not in the catalogue: {msgid!r}", file=sys.stderr)
            unknown += 1
            continue
        if entry.msgid_plural:
            one, _, many = msgstr.partition(" || ")
            entry.msgstr_plural = {0: one, 1: many or one}
        else:
            entry.msgstr = msgstr
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = None
        entry.previous_msgid_plural = None
    po.save()
    return 1 if unknown else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
