"""Valid synthetic identity numbers for demo and test data (never a real person's number).

Fødselsnumre and D-numbers are marked the way Skatteetaten's Tenor test population marks them
(month + 80); see ``forlop.core.identifiers.person`` for the rules they follow.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date
from typing import TypeVar

from stdnum.no import fodselsnummer

from forlop.core.identifiers.person import (
    _K1_WEIGHTS,
    _KINDS_WITH_2032_RULE,
    D_NUMBER_DAY_OFFSET,
    FIRST_BIRTH_YEAR,
    H_NUMBER_MONTH_OFFSET,
    LAST_BIRTH_YEAR,
    SYNTHETIC_MONTH_OFFSET,
    CheckDigitRule,
    IdentityKind,
)

_T = TypeVar("_T")


def _individual_numbers(year: int) -> list[int]:
    """The individual numbers the series allow for a birth year."""
    if year < FIRST_BIRTH_YEAR or year > LAST_BIRTH_YEAR:
        raise ValueError(f"birth year must be {FIRST_BIRTH_YEAR}-{LAST_BIRTH_YEAR}")
    if year <= 1899:
        return list(range(500, 750))
    if year <= 1999:
        return [*range(500), *range(900, 1000)] if year >= 1940 else list(range(500))
    return list(range(500, 1000))


def _rotated(items: Sequence[_T], rng: random.Random) -> list[_T]:
    """All items, starting at a random one. Scanning from a random start always finishes, unlike
    retrying random picks (a test's random source may repeat itself)."""
    start = rng.randrange(len(items))
    return [*items[start:], *items[:start]]


def _first_with_check_digits(
    candidates: Sequence[str], rng: random.Random, rule: CheckDigitRule
) -> str:
    """The first of the nine-digit candidates (from a random start) that takes check digits."""
    k1_offset = rng.randrange(3)
    for first_nine in _rotated(candidates, rng):
        if rule is CheckDigitRule.CLASSIC:
            k1_options = [fodselsnummer.calc_check_digit1(first_nine)]
        else:
            # Remainders 1-3 only, so the number is valid only under the 2032 rule.
            partial = sum(w * int(d) for w, d in zip(_K1_WEIGHTS, first_nine, strict=False))
            remainders = (1, 2, 3)[k1_offset:] + (1, 2, 3)[:k1_offset]
            k1_options = [str((r - partial) % 11) for r in remainders]
        for k1 in k1_options:
            if len(k1) != 1:  # "10": no digit fits
                continue
            k2 = fodselsnummer.calc_check_digit2(first_nine + k1)
            if len(k2) == 1:
                return first_nine + k1 + k2
    raise ValueError("no valid number for these digits")  # pragma: no cover


def generate_synthetic(
    birth_date: date | None,
    *,
    rng: random.Random,
    kind: IdentityKind = IdentityKind.FNR,
    check_digit_rule: CheckDigitRule = CheckDigitRule.CLASSIC,
    allow_unmarked: bool = False,
) -> str:
    """Make a valid number with valid check digits for demo and test data.

    Fødselsnumre and D-numbers are marked synthetic the Tenor way (month + 80), so they can
    never be a real person's number and parse with ``synthetic=True``.

    H- and FH-numbers have no synthetic marker (an H-number already uses month + 40, and
    FH-numbers are random), so a generated one could in principle belong to a real person.
    They are made only with ``allow_unmarked=True``, for unit tests: never for demo data.

    ``birth_date`` must be None for FH-numbers and in 1854-2039 for the others (a date after
    today gives a number that `parse_identity_number` rejects until that day).
    ``check_digit_rule=RULE_2032`` gives a number valid only under the 2032 rule (fødselsnumre
    and D-numbers only). The same ``rng`` state gives the same number. Raises ValueError for an
    impossible request.
    """
    if kind in (IdentityKind.HNR, IdentityKind.FHN) and not allow_unmarked:
        raise ValueError(f"{kind.value} numbers cannot be marked synthetic; tests only")
    if check_digit_rule is CheckDigitRule.RULE_2032 and kind not in _KINDS_WITH_2032_RULE:
        raise ValueError("the 2032 rule applies to fødselsnumre and D-numbers only")
    if kind is IdentityKind.FHN:
        if birth_date is not None:
            raise ValueError("FH-numbers carry no date of birth; pass None")
        # First digit 8 or 9, then random digits; scan on from there in blocks of 1000.
        head = rng.choice("89") + "".join(rng.choice("0123456789") for _ in range(5))
        candidates = [f"{head}{n:03d}" for n in range(1000)]
        return _first_with_check_digits(candidates, rng, check_digit_rule)

    if birth_date is None:
        raise ValueError("birth_date is required for this kind")
    individuals = _individual_numbers(birth_date.year)
    day = birth_date.day + (D_NUMBER_DAY_OFFSET if kind is IdentityKind.DNR else 0)
    month = birth_date.month + (
        H_NUMBER_MONTH_OFFSET if kind is IdentityKind.HNR else SYNTHETIC_MONTH_OFFSET
    )
    prefix = f"{day:02d}{month:02d}{birth_date.year % 100:02d}"
    candidates = [f"{prefix}{n:03d}" for n in individuals]
    return _first_with_check_digits(candidates, rng, check_digit_rule)
