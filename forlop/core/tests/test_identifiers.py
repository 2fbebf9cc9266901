"""Tests for forlop.core.identifiers. No database.

Test numbers are synthetic (Tenor style, month + 80) wherever the case allows. The only
real-format numbers are the published worked examples: 31129956715 (fnrinfo.no, domain file)
and 30108299939 (Skatteetaten's 2032 example, which cannot be issued before 2032).
"""

from __future__ import annotations

import random
from datetime import date

import pytest
from django.utils import translation
from stdnum.no import fodselsnummer

from forlop.core.identifiers import (
    FULL_MASK,
    CheckDigitRule,
    IdentityKind,
    IdentityNumberError,
    IdentityNumberErrorCode,
    generate_synthetic,
    mask,
    parse_identity_number,
)
from forlop.core.tests.identity_cases import (
    CODE,
    SKATTEETATEN_2032_EXAMPLE,
    WORKED_EXAMPLE,
    assert_does_not_leak,
    error_for,
    first_with_check_digits,
    parse,
)

# --- valid numbers --------------------------------------------------------------------------


def test_worked_example_is_a_valid_fnr_born_1899() -> None:
    number = parse(WORKED_EXAMPLE)
    assert number.value == WORKED_EXAMPLE
    assert number.kind is IdentityKind.FNR
    assert number.birth_date == date(1899, 12, 31)
    assert number.synthetic is False
    assert number.check_digit_rule is CheckDigitRule.CLASSIC


@pytest.mark.parametrize(
    "typed", ["311299 56715", "311299.567.15", " 31 12 99 567 15 ", "311299-56715"]
)
def test_spaces_dots_and_hyphens_are_stripped(typed: str) -> None:
    assert parse(typed).value == WORKED_EXAMPLE


def test_synthetic_fnr() -> None:
    value = generate_synthetic(date(1990, 1, 1), rng=random.Random(1))
    assert value[2:4] == "81"
    number = parse(value)
    assert number.kind is IdentityKind.FNR
    assert number.synthetic is True
    assert number.birth_date == date(1990, 1, 1)


def test_synthetic_d_number() -> None:
    value = generate_synthetic(date(1985, 12, 24), rng=random.Random(2), kind=IdentityKind.DNR)
    assert value[:4] == "6492"  # day 24 + 40, month 12 + 80
    number = parse(value)
    assert number.kind is IdentityKind.DNR
    assert number.synthetic is True
    assert number.birth_date == date(1985, 12, 24)


def test_d_number_built_by_hand() -> None:
    # A D-number without the synthetic marker: day 15 + 40 = 55, born 1976 (individual 1xx).
    value = first_with_check_digits("551076", range(100, 200))
    number = parse(value)
    assert number.kind is IdentityKind.DNR
    assert number.synthetic is False
    assert number.birth_date == date(1976, 10, 15)


def test_h_number() -> None:
    value = generate_synthetic(
        date(2003, 5, 17), rng=random.Random(3), kind=IdentityKind.HNR, allow_unmarked=True
    )
    assert value[2:4] == "45"  # month 5 + 40
    number = parse(value)
    assert number.kind is IdentityKind.HNR
    assert number.synthetic is False  # month + 40 is an H-number, never NAV-synthetic here
    assert number.birth_date == date(2003, 5, 17)


def test_fh_number_has_no_birth_date() -> None:
    value = generate_synthetic(
        None, rng=random.Random(4), kind=IdentityKind.FHN, allow_unmarked=True
    )
    assert value[0] in "89"
    number = parse(value)
    assert number.kind is IdentityKind.FHN
    assert number.birth_date is None
    assert number.synthetic is False


def test_fh_number_with_any_middle_digits() -> None:
    # Random digits that would be an impossible date in an fnr are fine in an FH-number.
    number = parse(first_with_check_digits("999999", range(100)))
    assert number.kind is IdentityKind.FHN
    assert number.birth_date is None


def test_fh_number_with_wrong_check_digit() -> None:
    value = generate_synthetic(
        None, rng=random.Random(5), kind=IdentityKind.FHN, allow_unmarked=True
    )
    wrong = value[:10] + str((int(value[10]) + 1) % 10)
    assert error_for(wrong).code is CODE.CHECK_DIGITS


def test_29_february_in_a_leap_year() -> None:
    number = parse(generate_synthetic(date(2000, 2, 29), rng=random.Random(6)))
    assert number.birth_date == date(2000, 2, 29)


def test_individual_series_decide_the_century() -> None:
    rng = random.Random(7)
    for year in (1854, 1899, 1900, 1939, 1940, 1999, 2000, 2026):
        born = date(year, 6, 15)
        assert parse(generate_synthetic(born, rng=rng)).birth_date == born


def test_900_series_is_1900s_from_1940() -> None:
    value = first_with_check_digits("018245", range(900, 1000))  # synthetic, yy 45, 9xx
    assert parse(value).birth_date == date(1945, 2, 1)


def test_500_series_with_low_year_is_2000s() -> None:
    value = first_with_check_digits("018210", range(500, 1000))
    assert parse(value).birth_date == date(2010, 2, 1)


# --- the 2032 rule --------------------------------------------------------------------------


def test_skatteetaten_2032_example_is_accepted() -> None:
    number = parse(SKATTEETATEN_2032_EXAMPLE)
    assert number.kind is IdentityKind.FNR
    assert number.check_digit_rule is CheckDigitRule.RULE_2032
    assert number.birth_date == date(1982, 10, 30)


def test_stdnum_alone_rejects_the_2032_example() -> None:
    # Documents why the 2032 rule is implemented here.
    assert not fodselsnummer.is_valid(SKATTEETATEN_2032_EXAMPLE)


@pytest.mark.parametrize("remainder", [1, 2, 3])
def test_every_2032_remainder_is_accepted_for_fnr(remainder: int) -> None:
    number = _number_with_k1_remainder("018290", remainder, range(100, 500))
    parsed = parse(number)
    assert parsed.check_digit_rule is CheckDigitRule.RULE_2032
    assert parsed.birth_date == date(1990, 2, 1)


@pytest.mark.parametrize("remainder", [4, 5, 6, 7, 8, 9, 10])
def test_remainders_above_3_are_rejected(remainder: int) -> None:
    number = _number_with_k1_remainder("018290", remainder, range(100, 500))
    assert error_for(number).code is CODE.CHECK_DIGITS


def test_2032_rule_does_not_apply_to_h_numbers() -> None:
    number = _number_with_k1_remainder("014590", 1, range(100, 500))  # month 2 + 40: H-number
    assert error_for(number).code is CODE.CHECK_DIGITS


def test_generated_2032_numbers_parse() -> None:
    rng = random.Random(8)
    for kind in (IdentityKind.FNR, IdentityKind.DNR):
        value = generate_synthetic(
            date(1975, 3, 9), rng=rng, kind=kind, check_digit_rule=CheckDigitRule.RULE_2032
        )
        number = parse(value)
        assert number.check_digit_rule is CheckDigitRule.RULE_2032
        assert number.kind is kind
        assert number.synthetic is True
        assert number.birth_date == date(1975, 3, 9)


def test_2032_number_whose_series_gives_no_century_is_not_rejected() -> None:
    # From 2032 the individual digits no longer give the century: a person born 1950 may get
    # individual number 600. The classic rule would reject this as "not issued".
    number = _number_with_k1_remainder("018250", 2, range(600, 750))
    assert parse(number).birth_date == date(1950, 2, 1)


def _number_with_k1_remainder(prefix: str, remainder: int, individuals: range) -> str:
    """The first number with this date prefix whose K1 leaves the given remainder."""
    for individual in individuals:
        first_nine = f"{prefix}{individual:03d}"
        partial = sum(
            w * int(d) for w, d in zip((3, 7, 6, 1, 8, 9, 4, 5, 2), first_nine, strict=True)
        )
        k1 = (remainder - partial) % 11
        if k1 == 10:
            continue
        k2 = fodselsnummer.calc_check_digit2(first_nine + str(k1))
        if len(k2) == 1:
            return first_nine + str(k1) + k2
    raise AssertionError("no valid number")


# --- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", CODE.WRONG_LENGTH),
        ("3112995671", CODE.WRONG_LENGTH),
        ("311299567150", CODE.WRONG_LENGTH),
        ("3112995671a", CODE.NOT_DIGITS),
        ("31129956715x", CODE.NOT_DIGITS),
        ("٣١١٢٩٩٥٦٧١٥", CODE.NOT_DIGITS),  # Arabic-Indic digits are not accepted
        ("31/12/99 56715", CODE.NOT_DIGITS),
    ],
)
def test_format_errors(value: str, code: IdentityNumberErrorCode) -> None:
    exc = error_for(value)
    assert exc.code is code
    assert_does_not_leak(exc, value)


def test_wrong_check_digit() -> None:
    for position in (9, 10):
        digits = list(WORKED_EXAMPLE)
        digits[position] = str((int(digits[position]) + 1) % 10)
        value = "".join(digits)
        exc = error_for(value)
        assert exc.code is CODE.CHECK_DIGITS
        assert_does_not_leak(exc, value)


def test_typing_error_in_date_gives_check_digit_error() -> None:
    value = "21129956715"  # first digit of the worked example changed
    assert error_for(value).code is CODE.CHECK_DIGITS


@pytest.mark.parametrize(
    "prefix",
    [
        "318290",  # 31 February (synthetic form)
        "308290",  # 30 February
        "328190",  # day 32
        "008190",  # day 0
        "019390",  # month 13 (93 - 80)
        "018090",  # month 80 - 40 = 40 read as an H-number
        "298201",  # 29 February 2001 (individual 5xx: 2000s, not a leap year)
    ],
)
def test_impossible_date(prefix: str) -> None:
    individuals = range(500, 1000) if prefix == "298201" else range(500)
    value = first_with_check_digits(prefix, individuals)
    exc = error_for(value)
    assert exc.code is CODE.INVALID_DATE
    assert_does_not_leak(exc, value)


def test_individual_number_not_issued_for_birth_year() -> None:
    # Born (19)45 with individual number 600: 500-749 is 1854-1899 only, 500-999 only 2000-2039.
    value = first_with_check_digits("018245", range(600, 750))
    exc = error_for(value)
    assert exc.code is CODE.INDIVIDUAL_NUMBER_NOT_ISSUED
    assert_does_not_leak(exc, value)


def test_birth_date_in_the_future() -> None:
    value = generate_synthetic(date(2030, 1, 1), rng=random.Random(9))
    exc = error_for(value)
    assert exc.code is CODE.BIRTH_DATE_IN_FUTURE
    assert_does_not_leak(exc, value)
    assert parse_identity_number(value, today=date(2030, 1, 1)).birth_date == date(2030, 1, 1)


def test_default_today_is_used() -> None:
    assert parse_identity_number(WORKED_EXAMPLE).birth_date == date(1899, 12, 31)


def test_d_plus_h_combination_is_unknown_kind() -> None:
    value = first_with_check_digits("554576", range(100, 200))  # day + 40 and month + 40
    exc = error_for(value)
    assert exc.code is CODE.UNKNOWN_KIND
    assert_does_not_leak(exc, value)


def test_non_string_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        parse_identity_number(31129956715)  # type: ignore[arg-type]


def test_error_messages_are_user_facing_english() -> None:
    with translation.override("en"):
        assert str(error_for("123").message) == "The identity number must be 11 digits."
        assert str(error_for("21129956715")) == (
            "The check digits do not match: check for typing errors."
        )
        value = first_with_check_digits("318290", range(500))
        assert str(error_for(value)) == "The date of birth in the number is not a real date."


def test_error_repr_does_not_need_translation() -> None:
    exc = error_for("21129956715")
    assert repr(exc) == "IdentityNumberError('check_digits')"
    assert exc.params == {}


def test_every_error_code_has_a_message() -> None:
    for code in IdentityNumberErrorCode:
        with translation.override("en"):
            assert str(IdentityNumberError(code))


# --- masking --------------------------------------------------------------------------------


def test_mask_shows_only_the_date_part() -> None:
    assert mask(WORKED_EXAMPLE) == "311299 *****"
    assert mask("311299 567 15") == "311299 *****"


@pytest.mark.parametrize("value", ["", "123", "3112995671x", "abc", "89123456789", "91234567890"])
def test_mask_hides_everything_else(value: str) -> None:
    assert mask(value) == FULL_MASK


def test_repr_and_str_do_not_reveal_the_number() -> None:
    number = parse(WORKED_EXAMPLE)
    assert WORKED_EXAMPLE not in repr(number)
    assert "56715" not in repr(number)
    assert str(number) == "311299 *****"
    assert f"{number}" == "311299 *****"
    assert repr(number) == "IdentityNumber(value='311299 *****', kind='fnr', synthetic=False)"
    assert mask(number) == "311299 *****"


def test_fh_number_repr_is_fully_masked() -> None:
    value = generate_synthetic(
        None, rng=random.Random(10), kind=IdentityKind.FHN, allow_unmarked=True
    )
    number = parse(value)
    assert value[:6] not in repr(number)
    assert str(number) == FULL_MASK


def test_identity_number_is_frozen_and_hashable() -> None:
    number = parse(WORKED_EXAMPLE)
    with pytest.raises(AttributeError):
        number.value = "0"  # type: ignore[misc]
    assert {number: 1}[parse("311299 56715")] == 1
