"""Does a free-text note look as if it identifies a person? Pure: no database, no clock.

Interview notes and evaluation answers must not identify anyone. This check warns; it cannot
prove a text anonymous, so the person writing confirms before a flagged note is saved.

What it looks for:

* an identity number: eleven digits (spaces, dots and hyphens allowed), parsed with
  ``core.identifiers.parse_identity_number``: a valid fødselsnummer, D-, H- or FH-number, or
  eleven digits that fail the check digits (probably a mistyped one);
* a date of birth ("født 3.4.1941", "f. 1941");
* a phone number (eight digits, spaced or not);
* a name: a common Norwegian given name or surname anywhere, or two capitalised words in a
  row inside a sentence (Norwegian capitalises only proper nouns there).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from forlop.core.identifiers import IdentityNumberError, mask, parse_identity_number


class FindingKind(StrEnum):
    IDENTITY_NUMBER = "identity_number"
    NUMBER_LIKE_IDENTITY = "number_like_identity"
    BIRTH_DATE = "birth_date"
    PHONE = "phone"
    NAME = "name"


@dataclass(frozen=True, slots=True)
class Finding:
    kind: FindingKind
    shown: str  # what to show the writer: identity numbers masked, names as written


_ELEVEN = re.compile(r"(?<![\d])(\d{6})[ .\-]?(\d{5})(?![\d])")
_BIRTH = re.compile(
    r"\b(?:født|f\.)\s*(?:den\s+)?(\d{1,2}\s*[./-]\s*\d{1,2}\s*[./-]\s*\d{2,4}|\d{4})",
    re.IGNORECASE,
)
_PHONE = re.compile(
    r"(?<![\d])(?:\+47\s?)?(\d{2}\s?\d{2}\s?\d{2}\s?\d{2}|\d{3}\s\d{2}\s\d{3})(?![\d])"
)
_WORD = re.compile(r"[A-Za-zÆØÅæøåÉéÜüÖöÄä][A-Za-zÆØÅæøåÉéÜüÖöÄä\-]*")
_SENTENCE_END = re.compile(r"[.!?:;\n]\s*$")

#: Common Norwegian given names and surnames (SSB's most frequent), lower case.
COMMON_NAMES: frozenset[str] = frozenset(
    """
    anne inger kari marit ingrid liv eva berit astrid bjørg hilde anna solveig marianne randi
    ida nina maria elisabeth kristin bente heidi silje hanne gerd linda tone monica wenche
    ragnhild turid gunvor aslaug signe margit eldbjørg unni torill elin sigrid frida nora emma
    jan per bjørn ole lars kjell knut svein arne hans geir thomas odd terje martin tor erik
    john olav rune trond morten andreas harald einar helge johan rolf leif trygve sverre nils
    jon arild tore gunnar steinar kristian magnus jonas
    hansen johansen olsen larsen andersen pedersen nilsen kristiansen jensen karlsen johnsen
    pettersen eriksen berg haugen hagen johannessen andreassen jacobsen dahl jørgensen halvorsen
    henriksen lund sørensen jakobsen moen gundersen iversen strand solberg svendsen eide
    knutsen martinsen paulsen bakken kristoffersen mathisen lie amundsen nguyen rasmussen
    ahmed lunde solheim berge moe nygård bakke kristensen fredriksen holm lien hauge
    """.split()  # noqa: SIM905 - a word list reads better as text
)
#: Capitalised words that often start a phrase inside a sentence and are not names.
_NOT_NAMES: frozenset[str] = frozenset(
    """
    hva hph hjemmetjenesten hjemmesykepleien sykehuset sykehus kommunen nav legevakt fastlegen
    tildelingskontoret helsehus jeg vi de han hun det den
    """.split()  # noqa: SIM905 - a word list reads better as text
)


@dataclass(frozen=True, slots=True)
class _Word:
    text: str
    starts_sentence: bool
    joined_to_previous: bool  # only spaces between it and the word before


def _words(text: str) -> list[_Word]:
    words: list[_Word] = []
    end = 0
    for match in _WORD.finditer(text):
        before = text[: match.start()]
        starts = not before.strip() or bool(_SENTENCE_END.search(before))
        between = text[end : match.start()]
        joined = bool(words) and between.strip() == "" and "\n" not in between
        words.append(_Word(match.group(0), starts, joined))
        end = match.end()
    return words


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper() and not word.isupper()


def findings(text: str, *, today: date, names: Iterable[str] = COMMON_NAMES) -> list[Finding]:
    """What in ``text`` looks like it identifies a person, in the order found (no repeats)."""
    found: list[Finding] = []
    known = {name.lower() for name in names}

    def add(kind: FindingKind, shown: str) -> None:
        finding = Finding(kind, shown)
        if finding not in found:
            found.append(finding)

    for match in _ELEVEN.finditer(text):
        digits = match.group(1) + match.group(2)
        try:
            parse_identity_number(digits, today=today)
        except IdentityNumberError:
            add(FindingKind.NUMBER_LIKE_IDENTITY, mask(digits))
        else:
            add(FindingKind.IDENTITY_NUMBER, mask(digits))
    for match in _BIRTH.finditer(text):
        add(FindingKind.BIRTH_DATE, match.group(0))
    without_eleven = _ELEVEN.sub(" ", text)
    for match in _PHONE.finditer(without_eleven):
        add(FindingKind.PHONE, match.group(0).strip())
    words = _words(text)
    for index, word in enumerate(words):
        if word.text.lower() in known and _is_capitalised(word.text):
            add(FindingKind.NAME, word.text)
            continue
        if (
            word.starts_sentence
            or not _is_capitalised(word.text)
            or word.text.lower() in _NOT_NAMES
            or index + 1 >= len(words)
        ):
            continue
        following = words[index + 1]
        if (
            following.joined_to_previous
            and _is_capitalised(following.text)
            and following.text.lower() not in _NOT_NAMES
        ):
            add(FindingKind.NAME, f"{word.text} {following.text}")
    return found
