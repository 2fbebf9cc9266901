"""What every kind of entry shares: the bundle's context, an entry's result, and value readers."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from forlop.interop.fhir.outcome import FhirError, from_validation_error
from forlop.interop.fhir.resources import Caller
from forlop.patients.models import Patient

Json = dict[str, Any]
MAX_ENTRIES = 100
WRITABLE = ("Patient", "Encounter", "QuestionnaireResponse", "Task")
_METHOD_ORDER = {"DELETE": 0, "POST": 1, "PUT": 2, "PATCH": 2, "GET": 3}


@dataclass
class Context:
    caller: Caller
    bundle_patients: dict[str, Patient] = field(default_factory=dict)  # fullUrl -> patient
    changed: bool = False


@dataclass
class EntryResult:
    status: str
    location: str = ""
    notes: list[Any] = field(default_factory=list)
    resource: Json | None = None


def _digest(bundle: Json) -> str:
    return hashlib.sha256(
        json.dumps(bundle, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()


def _datetime(value: Any, path: str) -> datetime:
    if not isinstance(value, str) or "T" not in value:
        raise FhirError.one(422, "value", _("Give a date and time with a time zone."), path)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise FhirError.one(
            422, "value", _("Give a date and time with a time zone."), path
        ) from None
    if moment.tzinfo is None:
        raise FhirError.one(422, "value", _("Give a date and time with a time zone."), path)
    return moment


def _extension(resource: Json, url: str) -> Json | None:
    return next((e for e in resource.get("extension") or [] if e.get("url") == url), None)


def _run(call: Callable[[], Any], path: str) -> Any:
    """Call a service in English (so its message is a msgid) and map its refusals."""
    try:
        with translation.override("en"):
            return call()
    except ValidationError as exc:
        raise from_validation_error(exc, path) from None
    except PermissionDenied as exc:
        raise FhirError.one(403, "forbidden", str(exc) or _("Not allowed."), path) from None
