"""Norwegian organisation numbers (Enhetsregisteret): validation and synthetic ones for demo data.

python-stdnum (``stdnum.no.orgnr``) checks the digits; this adds the user-facing messages.
"""

from __future__ import annotations

import random
from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_exceptions
from stdnum.no import orgnr

from forlop.core.identifiers.person import _is_ascii_digits, normalise
from forlop.core.identifiers.synthetic import _rotated


class OrgNumberErrorCode(StrEnum):
    WRONG_LENGTH = "wrong_length"
    NOT_DIGITS = "not_digits"
    CHECK_DIGIT = "check_digit"


_ORG_MESSAGES: dict[OrgNumberErrorCode, Promise] = {
    OrgNumberErrorCode.WRONG_LENGTH: _("The organisation number must be 9 digits."),
    OrgNumberErrorCode.NOT_DIGITS: _(
        "The organisation number must be 9 digits, with no letters or other characters."
    ),
    OrgNumberErrorCode.CHECK_DIGIT: _("The check digit does not match: check for typing errors."),
}


class OrgNumberError(ValueError):
    """An invalid organisation number; same shape as `IdentityNumberError`."""

    def __init__(self, code: OrgNumberErrorCode) -> None:
        super().__init__(code.value)
        self.code = code
        self.message: Promise = _ORG_MESSAGES[code]
        self.params: dict[str, Any] = {}

    def __str__(self) -> str:
        return str(self.message)


def validate_org_number(value: str) -> str:
    """Validate an organisation number and return its 9 digits (separators removed)."""
    if not isinstance(value, str):
        raise TypeError("value must be a str")
    number = normalise(value)
    if not _is_ascii_digits(number):
        raise OrgNumberError(OrgNumberErrorCode.NOT_DIGITS)
    if len(number) != 9:  # checked here too: stdnum reports "" as a format error
        raise OrgNumberError(OrgNumberErrorCode.WRONG_LENGTH)
    try:
        return orgnr.validate(number)
    except stdnum_exceptions.InvalidChecksum:
        raise OrgNumberError(OrgNumberErrorCode.CHECK_DIGIT) from None
    except stdnum_exceptions.ValidationError:  # pragma: no cover - format checked above
        raise OrgNumberError(OrgNumberErrorCode.NOT_DIGITS) from None


def generate_org_number(rng: random.Random) -> str:
    """A valid organisation number for demo data.

    It starts with 3, like the synthetic organisations in Skatteetaten's Tenor test data
    (e.g. 310478717); units in the real Enhetsregisteret have numbers starting with 8 or 9.
    """
    head = "3" + "".join(rng.choice("0123456789") for _ in range(4))
    for first_eight in _rotated([f"{head}{n:03d}" for n in range(1000)], rng):
        for check in "0123456789":
            if orgnr.checksum(first_eight + check) == 0:
                return first_eight + check
    raise ValueError("no valid organisation number")  # pragma: no cover
