"""Domain errors with typed codes.

Each domain app lists its error codes in one ``StrEnum`` (``pathways.error_codes``,
``authoring.error_codes``, ...). Services raise ``domain_error(Code.X, message)``: a Django
``ValidationError`` carrying the translated message and the code, so forms show the message and
the UI, the CLI and the API switch on the code (``error_codes(exc)``) instead of on text.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError


def domain_error(
    code: StrEnum, message: str, *, params: Mapping[str, Any] | None = None
) -> ValidationError:
    """A ``ValidationError`` with ``message`` (already translated) and the typed ``code``."""
    return ValidationError(message, code=str(code), params=dict(params) if params else None)


def error_codes(exc: ValidationError) -> set[str]:
    """Every code carried by ``exc``, whether it is one error, a list or a dict of fields."""
    codes: set[str] = set()
    if hasattr(exc, "error_dict"):
        for errors in exc.error_dict.values():
            codes.update(e.code for e in errors if e.code)
    else:
        codes.update(e.code for e in exc.error_list if e.code)
    return codes


def error_text(exc: ValidationError | PermissionDenied, *, fallback: str = "") -> str:
    """The messages of ``exc`` as one line, for a page or a command's output."""
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    return str(exc) or fallback
