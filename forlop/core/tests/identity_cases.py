"""What the identity-number tests share: a fixed day, worked examples and small helpers."""

from __future__ import annotations

from datetime import date

import django
import pytest
from django.conf import settings
from django.utils import translation
from hypothesis import settings as hypothesis_settings
from stdnum.no import fodselsnummer

from forlop.core.identifiers import (
    IdentityNumber,
    IdentityNumberError,
    IdentityNumberErrorCode,
    parse_identity_number,
)

if not settings.configured:
    # Run without pytest-django (-p no:django): just enough for lazy translations.
    settings.configure(USE_I18N=True, LANGUAGE_CODE="en")
    django.setup()

TODAY = date(2026, 11, 23)
WORKED_EXAMPLE = "31129956715"  # 311299 567 15: born 31.12.1899 (individual 500-749, yy >= 54)
SKATTEETATEN_2032_EXAMPLE = "30108299939"  # born 30.10.1982, K1 remainder 1

CODE = IdentityNumberErrorCode
quick = hypothesis_settings(database=None, deadline=None)


def with_check_digits(first_nine: str) -> str:
    """Append classic check digits; the caller picks nine digits for which they exist."""
    k1 = fodselsnummer.calc_check_digit1(first_nine)
    k2 = fodselsnummer.calc_check_digit2(first_nine + k1)
    assert len(k1) == 1
    assert len(k2) == 1, "pick other digits: no valid K2"
    return first_nine + k1 + k2


def first_with_check_digits(prefix: str, individuals: range) -> str:
    """The first number with this date prefix and valid classic check digits."""
    for individual in individuals:
        nine = f"{prefix}{individual:03d}"
        k1 = fodselsnummer.calc_check_digit1(nine)
        if len(k1) == 1 and len(fodselsnummer.calc_check_digit2(nine + k1)) == 1:
            return with_check_digits(nine)
    raise AssertionError("no valid number")


def parse(value: str) -> IdentityNumber:
    return parse_identity_number(value, today=TODAY)


def error_for(value: str) -> IdentityNumberError:
    with pytest.raises(IdentityNumberError) as info:
        parse(value)
    return info.value


def assert_does_not_leak(exc: Exception, value: str) -> None:
    digits = "".join(c for c in value if c.isdigit())
    with translation.override("en"):
        texts = [str(exc), repr(exc), str(getattr(exc, "message", ""))]
    for text in texts:
        if value.strip():
            assert value not in text
        if len(digits) >= 4:
            assert digits not in text
