"""Norwegian person identity numbers: fødselsnumre, D-, H- and FH-numbers.

Pure Python: no database. Messages are lazy translations because they are shown to users.

Person identity numbers (11 digits: DDMMYY + 3 individual digits + 2 check digits):

* fødselsnummer (``fnr``);
* D-number (``dnr``): 4 added to the first digit (day 41-71);
* H-number (``hnr``), a local help number: 4 added to the third digit (month 41-52);
* FH-number (``fhn``), the shared help number run by Norsk helsenett: first digit 8 or 9,
  the rest random, two check digits as in a fødselsnummer. It carries no date of birth.

Synthetic numbers. Skatteetaten's test population (Tenor / "Test-Norge") adds **80 to the
month** (month 81-92), for fødselsnumre and D-numbers alike. NAV's Dolly numbers add 40 to the
month instead, which cannot be told apart from an H-number. We therefore recognise only the
Tenor form as synthetic (``IdentityNumber.synthetic``); month 41-52 is always read as an
H-number. Demo and test data must use only synthetic numbers: see `generate_synthetic`.

Check digits. Two rules are accepted side by side (Skatteetaten, "Nytt fødselsnummer fra 2032"):

* the classic rule: the weighted sum over the first ten digits (weights 3 7 6 1 8 9 4 5 2 1)
  leaves remainder 0 modulo 11;
* the 2032 rule for new fødselsnumre and D-numbers issued from 1 January 2032: remainders
  0, 1, 2 and 3 are all accepted. K2 is computed as before.

From 2032 new numbers are gender-neutral, so this module never derives sex from a number
(read it from the separate Folkeregister field). The individual digits will no longer give the
century either, so the birth date decoded here is a convenience: the Folkeregister's date of
birth is authoritative.

What python-stdnum 2.2 (``stdnum.no.fodselsnummer``) covers and what is added here:

* used: ``calc_check_digit1`` / ``calc_check_digit2`` (classic K1 and K2), ``stdnum.no.orgnr``;
* added: the 2032 K1 rule (stdnum only knows remainder 0);
* added: Tenor synthetic numbers (stdnum reads month 81-92 as an H-number month and rejects
  the date);
* added: FH-number acceptance (stdnum's ``validate`` rejects every FH-number because
  ``get_birth_date`` raises for them);
* added: our own date and century decoding, because stdnum raises the same
  ``InvalidComponent`` for an impossible date, an unknown century and an FH-number, and we
  need a distinct error code and message for each;
* added: normalising dots (stdnum strips only spaces, hyphens and colons), masking for display,
  and generating valid synthetic numbers for demo and test data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from stdnum.no import fodselsnummer

from forlop.core.tz import OSLO

_OSLO = OSLO
_SEPARATORS = re.compile(r"[\s.\-]+")
_ASCII_DIGITS = re.compile(r"[0-9]*")

#: Shown instead of a number that must not be revealed at all.
FULL_MASK = "****** *****"

#: Month offset of Skatteetaten's Tenor / Test-Norge synthetic numbers.
SYNTHETIC_MONTH_OFFSET = 80
#: Day offset of D-numbers (first digit + 4).
D_NUMBER_DAY_OFFSET = 40
#: Month offset of H-numbers (third digit + 4).
H_NUMBER_MONTH_OFFSET = 40

#: Earliest and latest birth years the individual-number series cover.
FIRST_BIRTH_YEAR = 1854
LAST_BIRTH_YEAR = 2039

# Weights for K1 over the first ten digits (the tenth weight, 1, applies to K1 itself).
# stdnum computes K1 only for the classic rule; the 2032 rule needs the remainder.
_K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1)
_RULE_2032_REMAINDERS = frozenset({0, 1, 2, 3})


class IdentityKind(StrEnum):
    FNR = "fnr"  # fødselsnummer
    DNR = "dnr"  # D-nummer
    HNR = "hnr"  # H-nummer (local help number)
    FHN = "fhn"  # FH-nummer (felles hjelpenummer, NHN)


# Skatteetaten's 2032 change covers fødselsnumre and D-numbers only. H- and FH-numbers keep
# the classic rule, which keeps their typing-error detection at full strength.
_KINDS_WITH_2032_RULE = frozenset({IdentityKind.FNR, IdentityKind.DNR})


class CheckDigitRule(StrEnum):
    #: Remainder 0: valid under both the classic and the 2032 rule.
    CLASSIC = "classic"
    #: Remainder 1, 2 or 3: valid only under the 2032 rule (numbers issued from 2032).
    RULE_2032 = "2032"


class IdentityNumberErrorCode(StrEnum):
    WRONG_LENGTH = "wrong_length"
    NOT_DIGITS = "not_digits"
    UNKNOWN_KIND = "unknown_kind"
    CHECK_DIGITS = "check_digits"
    INVALID_DATE = "invalid_date"
    INDIVIDUAL_NUMBER_NOT_ISSUED = "individual_number_not_issued"
    BIRTH_DATE_IN_FUTURE = "birth_date_in_future"


_IDENTITY_MESSAGES: dict[IdentityNumberErrorCode, Promise] = {
    IdentityNumberErrorCode.WRONG_LENGTH: _("The identity number must be 11 digits."),
    IdentityNumberErrorCode.NOT_DIGITS: _(
        "The identity number must be 11 digits, with no letters or other characters."
    ),
    IdentityNumberErrorCode.UNKNOWN_KIND: _(
        "The number is not a known kind of identity number "
        "(fødselsnummer, D-number, H-number or FH-number)."
    ),
    IdentityNumberErrorCode.CHECK_DIGITS: _(
        "The check digits do not match: check for typing errors."
    ),
    IdentityNumberErrorCode.INVALID_DATE: _("The date of birth in the number is not a real date."),
    IdentityNumberErrorCode.INDIVIDUAL_NUMBER_NOT_ISSUED: _(
        "The individual number (digits 7 to 9) is not issued for the year of birth in the number."
    ),
    IdentityNumberErrorCode.BIRTH_DATE_IN_FUTURE: _(
        "The date of birth in the number is in the future."
    ),
}


class IdentityNumberError(ValueError):
    """An invalid identity number.

    ``code`` is stable (for forms and tests), ``message`` is a lazy user-facing translation.
    Neither the message nor ``args`` ever contain the number: ``args`` holds only the code, so
    ``repr()`` is safe to log even without Django settings. For a Django form:
    ``ValidationError(exc.message, code=exc.code, params=exc.params)``.
    """

    def __init__(self, code: IdentityNumberErrorCode) -> None:
        super().__init__(code.value)
        self.code = code
        self.message: Promise = _IDENTITY_MESSAGES[code]
        self.params: dict[str, Any] = {}

    def __str__(self) -> str:
        return str(self.message)


def _today() -> date:
    # Norwegian calendar date, so a number for someone born today in Norway is accepted.
    return datetime.now(_OSLO).date()


def normalise(value: str) -> str:
    """Remove whitespace, dots and hyphens people type as separators ("010190 123.45")."""
    return _SEPARATORS.sub("", value)


def _is_ascii_digits(value: str) -> bool:
    return _ASCII_DIGITS.fullmatch(value) is not None


def _classify(number: str) -> tuple[IdentityKind, bool] | None:
    """Kind and synthetic flag from the day and month digit pairs, or None if D+H combined."""
    if number[0] in "89":
        return IdentityKind.FHN, False
    day = int(number[0:2])
    month = int(number[2:4])
    is_d = day > D_NUMBER_DAY_OFFSET
    synthetic = month > SYNTHETIC_MONTH_OFFSET
    is_h = not synthetic and month > H_NUMBER_MONTH_OFFSET
    if is_d and is_h:
        # Day + 40 and month + 40: not a national kind (NAV's Dolly marks synthetic D-numbers
        # this way). We do not guess.
        return None
    if is_d:
        return IdentityKind.DNR, synthetic
    if is_h:
        return IdentityKind.HNR, False
    return IdentityKind.FNR, synthetic


def _k1_remainder(number: str) -> int:
    return sum(w * int(d) for w, d in zip(_K1_WEIGHTS, number, strict=False)) % 11


def _check_digit_rule(number: str, kind: IdentityKind) -> CheckDigitRule | None:
    """The rule whose check digits the number satisfies, or None if the check digits are wrong."""
    # stdnum returns "10" when no digit fits, which never equals a single digit.
    if fodselsnummer.calc_check_digit2(number) != number[10]:
        return None
    if fodselsnummer.calc_check_digit1(number) == number[9]:
        return CheckDigitRule.CLASSIC
    if kind in _KINDS_WITH_2032_RULE and _k1_remainder(number) in _RULE_2032_REMAINDERS:
        return CheckDigitRule.RULE_2032
    return None


def _century_year(two_digit_year: int, individual: int) -> int | None:
    """Full birth year from the individual-number series, or None if no series fits.

    1854-1899: 500-749; 1900-1999: 000-499; 1940-1999 also 900-999; 2000-2039: 500-999.
    Valid for every number issued before 2032 (see the module docstring).
    """
    if individual <= 499:
        return 1900 + two_digit_year
    if individual <= 749 and two_digit_year >= 54:
        return 1800 + two_digit_year
    if two_digit_year <= 39:
        return 2000 + two_digit_year
    if individual >= 900:
        return 1900 + two_digit_year
    return None


def _latest_not_after(day: int, month: int, two_digit_year: int, today: date) -> date:
    """The latest real date with these digits that is not after today (raises ValueError)."""
    year = today.year - (today.year - two_digit_year) % 100
    for candidate_year in (year, year - 100, year - 200):
        try:
            candidate = date(candidate_year, month, day)
        except ValueError:
            continue  # 29 February in a year that is not a leap year
        if candidate <= today:
            return candidate
    raise ValueError("no such date")


def _birth_date(
    number: str, kind: IdentityKind, synthetic: bool, rule: CheckDigitRule, today: date
) -> date:
    day = int(number[0:2])
    month = int(number[2:4])
    if kind is IdentityKind.DNR:
        day -= D_NUMBER_DAY_OFFSET
    if kind is IdentityKind.HNR:
        month -= H_NUMBER_MONTH_OFFSET
    if synthetic:
        month -= SYNTHETIC_MONTH_OFFSET
    two_digit_year = int(number[4:6])
    # Check day and month in a leap year first, so a 31 February is an impossible date whatever
    # the century.
    try:
        date(2000, month, day)
    except ValueError:
        raise IdentityNumberError(IdentityNumberErrorCode.INVALID_DATE) from None

    year = _century_year(two_digit_year, int(number[6:9]))
    if rule is CheckDigitRule.RULE_2032:
        # Numbers issued from 2032 no longer carry the century in the individual digits
        # (Skatteetaten). Use the series when it gives a past date, else assume the most
        # recent century.
        if year is not None:
            try:
                decoded = date(year, month, day)
            except ValueError:
                decoded = None
            if decoded is not None and decoded <= today:
                return decoded
        try:
            return _latest_not_after(day, month, two_digit_year, today)
        except ValueError:
            raise IdentityNumberError(IdentityNumberErrorCode.INVALID_DATE) from None

    if year is None:
        raise IdentityNumberError(IdentityNumberErrorCode.INDIVIDUAL_NUMBER_NOT_ISSUED)
    try:
        decoded = date(year, month, day)
    except ValueError:  # 29 February in a year that is not a leap year
        raise IdentityNumberError(IdentityNumberErrorCode.INVALID_DATE) from None
    if decoded > today:
        raise IdentityNumberError(IdentityNumberErrorCode.BIRTH_DATE_IN_FUTURE)
    return decoded


@dataclass(frozen=True, slots=True, repr=False)
class IdentityNumber:
    """A validated identity number. ``repr()`` and ``str()`` are masked so logs do not leak it."""

    value: str = field(repr=False)  # 11 digits, normalised
    kind: IdentityKind
    birth_date: date | None  # None for FH-numbers
    synthetic: bool

    @property
    def check_digit_rule(self) -> CheckDigitRule:
        rule = _check_digit_rule(self.value, self.kind)
        if rule is None:  # only possible for an instance built by hand
            raise ValueError("invalid check digits")
        return rule

    @property
    def masked(self) -> str:
        return mask(self.value)

    def __repr__(self) -> str:
        return (
            f"IdentityNumber(value={self.masked!r}, kind={self.kind.value!r}, "
            f"synthetic={self.synthetic!r})"
        )

    def __str__(self) -> str:
        return self.masked


def parse_identity_number(value: str, *, today: date | None = None) -> IdentityNumber:
    """Validate and decode a fødselsnummer, D-, H- or FH-number.

    Spaces, dots and hyphens are ignored. ``today`` (default: today's date in Norway) is used to
    reject dates of birth in the future. Raises `IdentityNumberError`; the check order is
    characters, length, kind, check digits, date, individual-number series, future date.
    """
    if not isinstance(value, str):
        raise TypeError("value must be a str")
    number = normalise(value)
    if not _is_ascii_digits(number):
        raise IdentityNumberError(IdentityNumberErrorCode.NOT_DIGITS)
    if len(number) != 11:
        raise IdentityNumberError(IdentityNumberErrorCode.WRONG_LENGTH)
    classified = _classify(number)
    if classified is None:
        raise IdentityNumberError(IdentityNumberErrorCode.UNKNOWN_KIND)
    kind, synthetic = classified
    rule = _check_digit_rule(number, kind)
    if rule is None:
        raise IdentityNumberError(IdentityNumberErrorCode.CHECK_DIGITS)
    if kind is IdentityKind.FHN:
        return IdentityNumber(value=number, kind=kind, birth_date=None, synthetic=False)
    birth_date = _birth_date(number, kind, synthetic, rule, today or _today())
    return IdentityNumber(value=number, kind=kind, birth_date=birth_date, synthetic=synthetic)


# Eleven digits, optionally split after the date part ("010190 12345"), not inside a longer run.
_CANDIDATE = re.compile(r"(?<![0-9])([0-9]{6})[ .]?([0-9]{5})(?![0-9])")


def _looks_like_identity_number(number: str) -> bool:
    """A known kind with valid check digits (the date is not checked: a typo is still personal)."""
    classified = _classify(number)
    return classified is not None and _check_digit_rule(number, classified[0]) is not None


def scrub_identity_numbers(text: str, replacement: str = FULL_MASK) -> str:
    """Replace every identity number in free text (a log line, a path, an exception message).

    A run of eleven digits is replaced when it is of a known kind and its check digits hold,
    so order numbers and phone numbers stay readable.
    """

    def replace(match: re.Match[str]) -> str:
        number = match.group(1) + match.group(2)
        return replacement if _looks_like_identity_number(number) else match.group(0)

    return _CANDIDATE.sub(replace, text)


def mask(value: str | IdentityNumber) -> str:
    """Show only the date part ("010190 *****") for places that must show something.

    FH-numbers are fully masked: their digits are random, so the first six identify more than a
    date of birth does. Anything that is not 11 digits is fully masked too. Never raises.
    """
    number = value.value if isinstance(value, IdentityNumber) else normalise(str(value))
    if len(number) != 11 or not _is_ascii_digits(number) or number[0] in "89":
        return FULL_MASK
    return f"{number[:6]} *****"
