"""Errors as OperationOutcome: the path of the problem, a Norwegian and an English text.

``FhirError`` is raised anywhere in the FHIR layer and turned into a response by the views.
Its message is a lazy translation (English msgid, bokmål in the catalogue): the outcome carries
the bokmål text in ``issue.details.text`` (with the English as a ``translation`` extension) and
the English in ``issue.diagnostics``. Messages never contain an identity number.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.functional import Promise

from forlop.interop.fhir.codes import ISSUE_TYPE

TRANSLATION_EXT = "http://hl7.org/fhir/StructureDefinition/translation"


def _in(language: str, message: str | Promise) -> str:
    """The message in ``language``. A plain string is taken as an English msgid: the FHIR
    layer runs the services in English (``views``), so their ValidationError texts are msgids
    and can be looked up again in bokmål."""
    with translation.override(language):
        if isinstance(message, Promise):
            return str(message)
        return translation.gettext(message) if message else ""


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem: ``code`` is an R4 IssueType (invalid, not-found, forbidden ...)."""

    code: str
    message: str | Promise
    expression: tuple[str, ...] = ()
    severity: str = "error"
    params: dict[str, Any] = field(default_factory=dict)

    def texts(self) -> tuple[str, str]:
        nb = _in("nb", self.message)
        en = _in("en", self.message)
        if self.params:
            nb, en = nb % self.params, en % self.params
        return nb, en

    def to_fhir(self) -> dict[str, Any]:
        nb, en = self.texts()
        issue: dict[str, Any] = {
            "severity": self.severity,
            "code": self.code,
            "details": {
                "coding": [{"system": ISSUE_TYPE, "code": self.code}],
                "text": nb,
                "_text": {
                    "extension": [
                        {
                            "url": TRANSLATION_EXT,
                            "extension": [
                                {"url": "lang", "valueCode": "en"},
                                {"url": "content", "valueString": en},
                            ],
                        }
                    ]
                },
            },
            "diagnostics": en,
        }
        if self.expression:
            issue["expression"] = list(self.expression)
        return issue


class FhirError(Exception):
    """A refused request: an HTTP status and the issues of its OperationOutcome."""

    def __init__(self, status: int, issues: Sequence[Issue]) -> None:
        super().__init__(status, [i.code for i in issues])
        self.status = status
        self.issues = list(issues)

    @classmethod
    def one(
        cls,
        status: int,
        code: str,
        message: str | Promise,
        *expression: str,
        **params: Any,
    ) -> FhirError:
        return cls(
            status, [Issue(code=code, message=message, expression=expression, params=params)]
        )

    def at(self, prefix: str) -> FhirError:
        """The same error with every expression put under ``prefix`` (a bundle entry)."""
        issues = [
            Issue(
                code=i.code,
                message=i.message,
                severity=i.severity,
                params=i.params,
                expression=tuple(f"{prefix}.{e}" if e else prefix for e in (i.expression or ("",))),
            )
            for i in self.issues
        ]
        return FhirError(self.status, issues)


def operation_outcome(issues: Iterable[Issue]) -> dict[str, Any]:
    return {"resourceType": "OperationOutcome", "issue": [i.to_fhir() for i in issues]}


def from_validation_error(exc: ValidationError, *expression: str, status: int = 422) -> FhirError:
    """A domain service's ValidationError as an OperationOutcome.

    The services translate with ``gettext`` when they raise; the FHIR layer calls them with
    English active, so each message is its msgid and both texts can be rendered. A stale
    revision (``code="conflict"``) is 409.
    """
    issues: list[Issue] = []
    status_out = status
    for error in exc.error_list if hasattr(exc, "error_list") else [exc]:
        code = getattr(error, "code", None) or "invalid"
        if code == "conflict":
            status_out = 409
        issues.append(
            Issue(
                code="conflict" if code == "conflict" else "processing",
                message=str(error.message),
                expression=expression,
                params=dict(error.params or {}),
            )
        )
    return FhirError(status_out, issues)
