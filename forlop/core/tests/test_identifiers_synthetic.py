"""Tests for forlop.core.identifiers: generating synthetic numbers, and organisation numbers.

No database.
"""

from __future__ import annotations

import contextlib
import random
from datetime import date

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from forlop.core.identifiers import (
    FULL_MASK,
    CheckDigitRule,
    IdentityKind,
    IdentityNumberError,
    OrgNumberError,
    OrgNumberErrorCode,
    generate_org_number,
    generate_synthetic,
    mask,
    validate_org_number,
)
from forlop.core.tests.identity_cases import (
    TODAY,
    assert_does_not_leak,
    parse,
    quick,
)

# --- generation -----------------------------------------------------------------------------


def test_unmarked_kinds_need_explicit_permission() -> None:
    rng = random.Random(11)
    with pytest.raises(ValueError, match="tests only"):
        generate_synthetic(date(1990, 1, 1), rng=rng, kind=IdentityKind.HNR)
    with pytest.raises(ValueError, match="tests only"):
        generate_synthetic(None, rng=rng, kind=IdentityKind.FHN)


@pytest.mark.parametrize(
    ("birth_date", "kind", "rule", "reason"),
    [
        (date(1853, 12, 31), IdentityKind.FNR, CheckDigitRule.CLASSIC, "birth year"),
        (date(2040, 1, 1), IdentityKind.FNR, CheckDigitRule.CLASSIC, "birth year"),
        (None, IdentityKind.FNR, CheckDigitRule.CLASSIC, "birth_date is required"),
        (date(1990, 1, 1), IdentityKind.FHN, CheckDigitRule.CLASSIC, "no date of birth"),
        (date(1990, 1, 1), IdentityKind.HNR, CheckDigitRule.RULE_2032, "2032 rule"),
        (None, IdentityKind.FHN, CheckDigitRule.RULE_2032, "2032 rule"),
    ],
)
def test_impossible_generation_requests(
    birth_date: date | None, kind: IdentityKind, rule: CheckDigitRule, reason: str
) -> None:
    with pytest.raises(ValueError, match=reason):
        generate_synthetic(
            birth_date, rng=random.Random(12), kind=kind, check_digit_rule=rule, allow_unmarked=True
        )


def test_generation_is_reproducible_with_the_same_seed() -> None:
    first = generate_synthetic(date(1960, 7, 1), rng=random.Random(42))
    assert first == generate_synthetic(date(1960, 7, 1), rng=random.Random(42))


@st.composite
def generation_requests(draw: st.DrawFn) -> tuple[date | None, IdentityKind, CheckDigitRule]:
    kind = draw(st.sampled_from(IdentityKind))
    if kind is IdentityKind.FHN:
        return None, kind, CheckDigitRule.CLASSIC
    rules = [CheckDigitRule.CLASSIC]
    if kind in (IdentityKind.FNR, IdentityKind.DNR):
        rules.append(CheckDigitRule.RULE_2032)
    born = draw(st.dates(min_value=date(1854, 1, 1), max_value=TODAY))
    return born, kind, draw(st.sampled_from(rules))


@quick
@given(request=generation_requests(), rng=st.randoms(use_true_random=False))
def test_generated_numbers_parse_back(
    request: tuple[date | None, IdentityKind, CheckDigitRule], rng: random.Random
) -> None:
    birth_date, kind, rule = request
    value = generate_synthetic(
        birth_date, rng=rng, kind=kind, check_digit_rule=rule, allow_unmarked=True
    )
    number = parse(value)
    assert number.value == value
    assert number.kind is kind
    assert number.birth_date == birth_date
    assert number.check_digit_rule is rule
    assert number.synthetic is (kind in (IdentityKind.FNR, IdentityKind.DNR))


@quick
@given(value=st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_any_11_digits_parse_or_fail_cleanly(value: str) -> None:
    try:
        number = parse(value)
    except IdentityNumberError as exc:
        assert_does_not_leak(exc, value)
    else:
        assert number.value == value
        assert value not in repr(number)
        assert str(number) in (f"{value[:6]} *****", FULL_MASK)


@quick
@given(value=st.text(max_size=20))
def test_any_text_parses_or_fails_cleanly(value: str) -> None:
    with contextlib.suppress(IdentityNumberError):
        parse(value)
    mask(value)  # never raises


# --- organisation numbers ----------------------------------------------------------------


@pytest.mark.parametrize("typed", ["123456785", "123 456 785", "123.456.785"])
def test_valid_org_number(typed: str) -> None:
    assert validate_org_number(typed) == "123456785"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("123456784", OrgNumberErrorCode.CHECK_DIGIT),
        ("12345678", OrgNumberErrorCode.WRONG_LENGTH),
        ("1234567855", OrgNumberErrorCode.WRONG_LENGTH),
        ("", OrgNumberErrorCode.WRONG_LENGTH),
        ("12345678x", OrgNumberErrorCode.NOT_DIGITS),
        ("NO123456785MVA", OrgNumberErrorCode.NOT_DIGITS),
    ],
)
def test_invalid_org_number(value: str, code: OrgNumberErrorCode) -> None:
    with pytest.raises(OrgNumberError) as info:
        validate_org_number(value)
    assert info.value.code is code
    with translation.override("en"):
        assert "123456" not in str(info.value)
        assert str(info.value.message)


def test_org_number_whose_check_digit_would_be_10_is_invalid() -> None:
    # Find eight digits whose check digit would be 10: no ninth digit makes them valid.
    for first_eight in (f"{n:08d}" for n in range(10_000_000, 10_001_000)):
        weighted = sum(
            w * int(d) for w, d in zip((3, 2, 7, 6, 5, 4, 3, 2), first_eight, strict=True)
        )
        if (11 - weighted % 11) % 11 == 10:
            for check in "0123456789":
                with pytest.raises(OrgNumberError):
                    validate_org_number(first_eight + check)
            return
    raise AssertionError("no example found")


@quick
@given(rng=st.randoms(use_true_random=False))
def test_generated_org_numbers_are_valid_and_synthetic_range(rng: random.Random) -> None:
    value = generate_org_number(rng)
    assert validate_org_number(value) == value
    assert value.startswith("3")
