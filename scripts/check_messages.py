"""Fail when the nb catalogue is incomplete: a msgid in the code with no nb translation, or fuzzy.

Runs makemessages in a temporary copy of the source tree (so the working tree is not touched), then
asks gettext's msgattrib for untranslated and fuzzy entries. Written here because Django has no
"check the catalogue" command; the parsing is gettext's own.

The copy holds the sources as well as locale/: makemessages writes each catalogue into the locale
directory that contains the scanned file (any directory named ``locale`` under its working
directory counts), so pointing only LOCALE_PATHS at a copy of locale/ still rewrote the real
catalogues in place, and the check then read the untouched copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Not sources: environments, caches, build output and the compiled catalogues.
SKIP = shutil.ignore_patterns(
    ".git",
    ".venv",
    ".tools",
    "staticfiles",
    "__pycache__",
    ".*_cache",
    ".hypothesis",
    "*.mo",
    "*.sqlite3",
    "test-results",
    "node_modules",
)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "tree"
        shutil.copytree(ROOT, tree, ignore=SKIP, symlinks=True)
        locale = tree / "locale"
        env = {**os.environ, "FORLOP_LOCALE_DIR": str(locale), "DJANGO_DEBUG": "true"}
        forlop = str(ROOT / ".venv" / "bin" / "forlop")
        ignore = ["--ignore", ".venv/*", "--ignore", ".tools/*", "--ignore", "staticfiles/*"]
        for domain in ("django", "djangojs"):
            if domain == "djangojs":
                continue  # our JavaScript has no translatable strings
            subprocess.run(
                [
                    forlop,
                    "makemessages",
                    "-l",
                    "nb",
                    "-l",
                    "en",
                    "-d",
                    domain,
                    "--no-obsolete",
                    *ignore,
                    "-v",
                    "0",
                ],
                cwd=tree,
                env=env,
                check=True,
            )
        po = locale / "nb" / "LC_MESSAGES" / "django.po"
        problems = []
        for flag, label in (("--untranslated", "untranslated"), ("--only-fuzzy", "fuzzy")):
            out = subprocess.run(
                ["msgattrib", flag, "--no-wrap", str(po)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            ids = [
                line
                for line in out.splitlines()
                if line.startswith("msgid ") and line != 'msgid ""'
            ]
            problems += [f"{label}: {line[6:]}" for line in ids]
        if problems:
            print(f"The nb catalogue is incomplete ({len(problems)} entries):", file=sys.stderr)
            for line in problems[:200]:
                print("  " + line, file=sys.stderr)
            print(
                "Run: DJANGO_DEBUG=true .venv/bin/forlop makemessages -l nb -l en --no-obsolete "
                "--ignore '.venv/*' --ignore '.tools/*' and translate locale/nb/LC_MESSAGES/django.po",
                file=sys.stderr,
            )
            return 1
    print("nb catalogue complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())
