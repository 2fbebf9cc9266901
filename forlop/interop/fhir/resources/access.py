"""The registry itself, reads, searches, bulk iteration, and the audit of what was read."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from forlop.core.audit import audit_record_many
from forlop.core.models import AuditEvent, AuditVerb
from forlop.interop.fhir import mappers
from forlop.interop.fhir.outcome import FhirError
from forlop.interop.fhir.resources.care import (
    CAREPLAN,
    ENCOUNTER,
    EPISODE_OF_CARE,
    GOAL,
    OBSERVATION,
    QUESTIONNAIRE_RESPONSE,
    TASK,
)
from forlop.interop.fhir.resources.directory import (
    ORGANIZATION,
    PATIENT,
    PLAN_DEFINITION,
    PRACTITIONER,
    QUESTIONNAIRE,
)
from forlop.interop.fhir.resources.params import (
    DEFAULT_COUNT,
    Caller,
    Json,
    ResourceType,
    Source,
    _updated_filter,
)
from forlop.patients.selectors import patient_get_for_user

REGISTRY: dict[str, ResourceType] = {
    t.name: t
    for t in (
        PATIENT,
        ORGANIZATION,
        PRACTITIONER,
        PLAN_DEFINITION,
        QUESTIONNAIRE,
        CAREPLAN,
        EPISODE_OF_CARE,
        ENCOUNTER,
        TASK,
        GOAL,
        QUESTIONNAIRE_RESPONSE,
        OBSERVATION,
    )
}

#: Order of the bulk export and of $everything (referenced resources first).
EXPORT_ORDER: tuple[str, ...] = tuple(REGISTRY)


# --- audit -----------------------------------------------------------------------------------


def audit_reads(
    caller: Caller, patient_ids: Iterable[int], *, resource_type: str, interaction: str
) -> None:
    """One audit row per patient whose data a request returned, naming the client."""
    if not caller.audit:
        return
    rows = [
        AuditEvent(
            actor=caller.user,
            verb=AuditVerb.PATIENT_VIEWED,
            patient_id=pid,
            data={"client": caller.client_id, "fhir": resource_type, "interaction": interaction},
        )
        for pid in sorted(set(patient_ids))
    ]
    audit_record_many(rows)


def _patient_ids(source: Source, rows: Sequence[Any]) -> list[int]:
    """The patients of rows that ``source.to_fhir`` has mapped (it may attach the relations
    ``patient_field`` follows: ``_tasks`` does)."""
    if source.patient_field is None:
        return []
    ids = []
    for row in rows:
        value: Any = row
        for part in source.patient_field.split("__"):
            value = value.pk if part == "pk" else getattr(value, part)
        ids.append(int(value))
    return ids


# --- read and search --------------------------------------------------------------------------


def resource_read(caller: Caller, resource_type: ResourceType, logical_id: str) -> Json:
    """One resource by id, 404 when it does not exist or the caller may not see it."""
    if resource_type.name == "Patient":
        if not logical_id.isdigit():
            raise not_found()
        try:
            patient = patient_get_for_user(
                user=caller.user,  # type: ignore[arg-type]
                patient_id=int(logical_id),
                now=caller.now,
                data={"client": caller.client_id, "fhir": "Patient", "interaction": "read"},
            )
        except Http404:
            raise not_found() from None
        return mappers.patient_to_fhir(
            patient, services=patient.services.all(), next_of_kin=patient.next_of_kin.all()
        )
    for source in resource_type.sources:
        id_q = source.id_q(logical_id)
        if id_q is None:
            continue
        rows = list(source.base(caller).filter(id_q)[:1])
        if rows:
            resource = source.to_fhir(rows, caller)[0]  # first: it may attach the patient
            audit_reads(
                caller,
                _patient_ids(source, rows),
                resource_type=resource_type.name,
                interaction="read",
            )
            return resource
    raise not_found()


def not_found() -> FhirError:
    return FhirError.one(404, "not-found", _("No such resource, or you may not see it."))


@dataclass(frozen=True)
class SearchResult:
    resources: list[Json]
    total: int
    offset: int
    count: int


def filtered(
    caller: Caller, resource_type: ResourceType, source: Source, params: list[tuple[str, str]]
) -> QuerySet[Any] | None:
    qs = source.base(caller)
    for name, raw in params:
        if name == "_id":
            ids = [source.id_q(v) for v in raw.split(",")]
            wanted = [q for q in ids if q is not None]
            if not wanted:
                return None
            combined = Q(pk__in=[])
            for q in wanted:
                combined |= q
            qs = qs.filter(combined)
        elif name == "_lastUpdated":
            qs = _updated_filter(qs, raw, caller)
        else:
            apply = source.filters.get(name)
            if apply is None:
                return None
            qs = apply(qs, raw, caller)
    return qs


def resource_search(
    caller: Caller,
    resource_type: ResourceType,
    params: list[tuple[str, str]],
    *,
    offset: int = 0,
    count: int = DEFAULT_COUNT,
    interaction: str = "search-type",
) -> SearchResult:
    """Search one type: AND over the parameters, paged by ``offset``/``count`` over its sources."""
    for name, _raw in params:
        if name not in ("_id", "_lastUpdated") and resource_type.param(name) is None:
            raise FhirError.one(
                400, "not-supported", _("Forløp does not support this search parameter."), name
            )
    resources: list[Json] = []
    total = 0
    remaining_skip, remaining_take = offset, count
    for source in resource_type.sources:
        qs = filtered(caller, resource_type, source, params)
        if qs is None:
            continue
        n = qs.count()
        total += n
        if remaining_take <= 0 or remaining_skip >= n:
            remaining_skip = max(0, remaining_skip - n)
            continue
        rows = list(qs[remaining_skip : remaining_skip + remaining_take])
        remaining_skip = 0
        remaining_take -= len(rows)
        resources += source.to_fhir(rows, caller)
        audit_reads(
            caller,
            _patient_ids(source, rows),
            resource_type=resource_type.name,
            interaction=interaction,
        )
    return SearchResult(resources=resources, total=total, offset=offset, count=count)


class PatientsSeen:
    """Which resource types an export wrote for which patients, for its audit rows.

    One bit per patient id and resource type (a bytearray per type, indexed by id, grown by
    doubling), so the export's memory does not grow by a set per patient: a million patients
    take 125–250 KB per type, where the dict of sets it replaces took about 800 bytes a
    patient with seven types (tracemalloc; issue 16)."""

    def __init__(self) -> None:
        self._bits: dict[str, bytearray] = {}

    def add(self, patient_id: int, resource_type: str) -> None:
        bits = self._bits.setdefault(resource_type, bytearray())
        index = patient_id >> 3
        if index >= len(bits):
            bits.extend(bytes(max(index + 1, 2 * len(bits)) - len(bits)))
        bits[index] |= 1 << (patient_id & 7)

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        """(patient id, the resource types written for it sorted by name), by patient id."""
        names = sorted(self._bits)
        columns = [self._bits[name] for name in names]
        size = max((len(bits) for bits in columns), default=0)
        # Eight patients share a byte per type; most bytes repeat a few patterns (kept to a
        # bounded number, so the cache cannot grow with the patients either).
        patterns: dict[tuple[int, ...], list[tuple[int, tuple[str, ...]]]] = {}
        for index in range(size):
            present = tuple(bits[index] if index < len(bits) else 0 for bits in columns)
            found = patterns.get(present)
            if found is None:
                if len(patterns) >= 4096:
                    patterns.clear()
                found = patterns[present] = [
                    (bit, types)
                    for bit in range(8)
                    if (
                        types := tuple(
                            name
                            for name, byte in zip(names, present, strict=True)
                            if byte >> bit & 1
                        )
                    )
                ]
            for bit, types in found:
                yield index * 8 + bit, list(types)


def iterate_all(
    caller: Caller,
    resource_type: ResourceType,
    params: list[tuple[str, str]],
    *,
    chunk: int = 500,
    patients_seen: PatientsSeen | None = None,
) -> Iterable[Json]:
    """Every matching resource, ``chunk`` rows at a time (bounded memory, for the bulk export).

    With ``patients_seen`` the patients are collected there (id and resource type) for the
    caller to audit once per export, instead of a row per patient, type and chunk."""
    for source in resource_type.sources:
        if filtered(caller, resource_type, source, params) is None:
            continue
        for part_caller in _by_patients(caller, source):
            part = filtered(part_caller, resource_type, source, params)
            if part is None:  # never: the same parameters passed above
                continue
            last_pk = 0
            while True:
                rows = list(part.filter(pk__gt=last_pk).order_by("pk")[:chunk])
                if not rows:
                    break
                last_pk = rows[-1].pk
                resources = source.to_fhir(rows, caller)
                if patients_seen is not None:
                    for pid in _patient_ids(source, rows):
                        patients_seen.add(pid, resource_type.name)
                else:
                    audit_reads(
                        caller,
                        _patient_ids(source, rows),
                        resource_type=resource_type.name,
                        interaction="export",
                    )
                yield from resources


PATIENT_CHUNK = 200
"""Patients whose rows ``iterate_all`` reads in one pass of its pages."""


def _by_patients(caller: Caller, source: Source) -> Iterable[Caller]:
    """The caller narrowed to ``PATIENT_CHUNK`` of its patients at a time (``Caller.within``,
    the patients in id order), or the caller itself for rows that belong to no patient.

    Paging the whole scope by the rows' own id made PostgreSQL walk the table's primary key
    and test each row against the scope: at a million pathways, one municipality's export read
    every stop point after that municipality's last one to find that there was none, 23 s for
    the last page (EXPLAIN; docs/benchmarks.md). A part names its patients, so its plan starts
    from them whatever the size of the table; and the access rule runs once per part of ids,
    not inside every page's query."""
    if source.patient_field is None:
        yield caller
        return
    patients = caller.visible_patients().order_by("pk").values_list("pk", flat=True)
    last = 0
    while True:
        ids = list(patients.filter(pk__gt=last)[:PATIENT_CHUNK])
        if not ids:
            return
        last = ids[-1]
        yield caller.within(ids)
