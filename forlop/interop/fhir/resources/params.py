"""The caller, search-parameter parsing and filters, and the registry's building blocks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from forlop.core.models import User
from forlop.interop.fhir.outcome import FhirError
from forlop.pathways import models as pm
from forlop.pathways import rules
from forlop.pathways.deadlines import start_of_day
from forlop.patients.models import Patient

Json = dict[str, Any]
DEFAULT_COUNT = 50
MAX_COUNT = 200


@dataclass
class Caller:
    """Who asks: a system client's service user (or, for the CLI export, nobody with a patient
    filter given by the command), the granted scopes and the clock."""

    user: User | None
    now: datetime
    scope: str = ""
    client_id: str = ""
    patients: QuerySet[Patient] | None = None  # the CLI's filter when there is no user
    audit: bool = True
    cache: dict[str, Any] = field(default_factory=dict)
    # A part of what ``visible_patients`` gave (``within``): these ids were checked already.
    checked_ids: tuple[int, ...] | None = None

    def visible_patients(self) -> QuerySet[Patient]:
        if self.checked_ids is not None:
            return Patient.objects.filter(pk__in=self.checked_ids)
        if self.user is not None:
            return Patient.objects.visible_to(self.user, now=self.now)
        if self.patients is not None:
            return self.patients
        return Patient.objects.none()

    def visible_patient_ids(self) -> QuerySet[Patient]:
        return self.visible_patients().values("pk")

    def within(self, patient_ids: Sequence[int]) -> Caller:
        """This caller narrowed to some of the patients its ``visible_patients`` gave (the
        caller's duty: the ids must come from there), for reading its data a part at a time.
        The access rule is not evaluated again for each part: at a million pathways that
        rule, a subquery in every part's query, scanned every patient each time (issue 16).
        Same user, clock, scopes and cache."""
        return replace(self, checked_ids=tuple(patient_ids))


# --- parameter parsing ----------------------------------------------------------------------

_PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le", "sa", "eb")


def _bad_param(name: str) -> FhirError:
    return FhirError.one(
        400, "invalid", _("The search parameter has a value Forløp cannot read."), name
    )


def parse_date_param(name: str, raw: str) -> tuple[str, datetime, datetime]:
    """(prefix, start, end) of a date search value; a day is [00:00, 24:00) in Oslo."""
    prefix = raw[:2] if raw[:2] in _PREFIXES else "eq"
    value = raw[2:] if raw[:2] in _PREFIXES else raw
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return prefix, start_of_day(day), start_of_day(day + timedelta(days=1))
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise _bad_param(name) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=rules.OSLO)
    return prefix, moment, moment


def date_q(field_name: str, name: str, raw: str) -> Q:
    prefix, start, end = parse_date_param(name, raw)
    if prefix == "eq":
        return (
            Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})
            if end > start
            else Q(**{field_name: start})
        )
    if prefix == "ne":
        return ~date_q(field_name, name, raw[2:])
    if prefix in ("gt", "sa"):
        return Q(**{f"{field_name}__gte" if end > start else f"{field_name}__gt": end})
    if prefix in ("lt", "eb"):
        return Q(**{f"{field_name}__lt": start})
    if prefix == "ge":
        return Q(**{f"{field_name}__gte": start})
    return Q(**{f"{field_name}__lt" if end > start else f"{field_name}__lte": end})  # le


def reference_id(name: str, raw: str, resource_type: str, prefix: str = "") -> int | None:
    """The pk in ``Patient/12`` or ``12`` (``prefix`` such as ``unit-``); None if another type."""
    value = raw
    if "/" in value:
        kind, _slash, value = value.rpartition("/")
        if kind.rsplit("/", 1)[-1] != resource_type:
            return None
    if prefix:
        if not value.startswith(prefix):
            return None
        value = value[len(prefix) :]
    if not value.isdigit():
        raise _bad_param(name)
    return int(value)


def token_parts(raw: str) -> tuple[str | None, str]:
    if "|" in raw:
        system, _bar, code = raw.partition("|")
        return system, code
    return None, raw


# --- sources and types ----------------------------------------------------------------------

Filter = Callable[[QuerySet[Any], str, "Caller"], QuerySet[Any]]


@dataclass(frozen=True)
class SearchParam:
    name: str
    type: str  # FHIR SearchParamType
    documentation: str
    url: str = ""
    post_only: bool = False  # the value is personal data (identity number, name): never in a URL


@dataclass(frozen=True)
class Source:
    """One kind of row behind a FHIR type (Organization has organisations and units)."""

    prefix: str
    base: Callable[[Caller], QuerySet[Any]]
    to_fhir: Callable[[Sequence[Any], Caller], list[Json]]
    filters: dict[str, Filter]
    patient_field: str | None = None  # for the audit: where the patient's pk is

    def id_q(self, raw: str) -> Q | None:
        if not raw.startswith(self.prefix) or not raw[len(self.prefix) :].isdigit():
            return None
        return Q(pk=int(raw[len(self.prefix) :]))


@dataclass(frozen=True)
class ResourceType:
    name: str
    sources: tuple[Source, ...]
    params: tuple[SearchParam, ...]
    profile: str = ""
    documentation: str = ""
    writable: tuple[str, ...] = ()  # interactions beyond read/search-type

    def param(self, name: str) -> SearchParam | None:
        return next((p for p in self.params if p.name == name), None)


def _updated_filter(qs: QuerySet[Any], raw: str, caller: Caller) -> QuerySet[Any]:
    return qs.filter(date_q("updated_at", "_lastUpdated", raw))


def _patient_filter(path: str) -> Filter:
    def apply(qs: QuerySet[Any], raw: str, caller: Caller) -> QuerySet[Any]:
        pk = reference_id("patient", raw, "Patient")
        return qs.filter(**{path: pk}) if pk is not None else qs.none()

    return apply


def _choice_filter(mapping: dict[str, Q], name: str) -> Filter:
    def apply(qs: QuerySet[Any], raw: str, caller: Caller) -> QuerySet[Any]:
        wanted = Q(pk__in=[])
        for value in raw.split(","):
            if value not in mapping:
                raise _bad_param(name)
            wanted |= mapping[value]
        return qs.filter(wanted)

    return apply


def _canonical_filter(url_of: Callable[[Any], str]) -> Filter:
    """``url`` search: compared in Python over a small, non-patient table (templates)."""

    def apply(qs: QuerySet[Any], raw: str, caller: Caller) -> QuerySet[Any]:
        url, _bar, version = raw.partition("|")
        keep = [
            obj.pk
            for obj in qs
            if url_of(obj) == url and (not version or str(obj_version(obj)) == version)
        ]
        return qs.filter(pk__in=keep)

    return apply


def obj_version(obj: Any) -> int:
    if isinstance(obj, pm.StopPointDefinition):
        return obj.version.number
    return int(obj.number)
