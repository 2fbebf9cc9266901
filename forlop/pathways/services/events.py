"""Events: something happens to the patient, and the running pathways react.

``event_record`` checks, saves the event and its audit row, and hands the event to the one
handler for its kind (``HANDLERS``). To add an event kind: add it to ``EventKindChoices`` and
``rules.EventKind``, write its handler here, and register it in ``HANDLERS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forlop.core.errors import domain_error
from forlop.core.models import AuditVerb, Unit, User
from forlop.pathways import mappers, models, planning, rules, timeline
from forlop.pathways.error_codes import PathwayErrorCode as Code
from forlop.pathways.services import _shared
from forlop.pathways.services import timeline as timeline_services
from forlop.pathways.services.start import END_REASON_READMITTED, pathway_create
from forlop.patients.models import HospitalStay, Patient
from forlop.patients.selectors import PatientAccess
from forlop.patients.services import hospital_stay_admit, hospital_stay_discharge

EventKind = models.EventKindChoices


@dataclass
class EventContext:
    """What a handler works with; it adds what it did to ``data`` for the audit row."""

    actor: User
    access: PatientAccess
    patient: Patient
    event: models.PathwayEvent
    pathways: list[models.Pathway]  # running at the event, newest first, locked
    ward: Unit | None
    admission: models.PathwayEvent | None  # the latest admission not followed by a return home
    open_stay: HospitalStay | None
    now: datetime | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def at(self) -> datetime:
        return self.event.occurred_at


def _interrupt(pathway: models.Pathway, *, at: datetime) -> list[models.StopPoint]:
    """Interrupt the pathway's instances the rules say an event at ``at`` interrupts: those
    not yet due (``planning.should_interrupt``). One already overdue stays open and counts as
    missed, so an admission never makes adherence look better than it was."""
    interrupted: list[models.StopPoint] = []
    for stop_point in pathway.stop_points.select_for_update().filter(interrupted_at__isnull=True):
        state = mappers.stop_point_state(stop_point)
        if not planning.should_interrupt(state, at=at):
            continue
        stop_point.interrupted_at = at
        stop_point.revision += 1
        stop_point.save(update_fields=["interrupted_at", "revision", "updated_at"])
        interrupted.append(stop_point)
    return interrupted


def _end(pathway: models.Pathway, *, at: datetime, reason: str) -> None:
    pathway.ended_at = at
    pathway.end_reason = reason
    pathway.full_clean()
    pathway.save(update_fields=["ended_at", "end_reason", "updated_at"])


def _open_triggered(ctx: EventContext) -> list[models.StopPoint]:
    """Open the stop points the templates trigger on this event.

    The event happened to the patient, not to one pathway: its stop points open once, in the
    newest running pathway whose template reacts to it (which the event is then linked to).
    """
    kind = rules.EventKind(ctx.event.kind)
    for pathway in ctx.pathways:
        stored = _shared.definitions(pathway.version)
        planned = planning.instances_for_event(
            _shared.rule_definitions(stored),
            kind,
            ctx.at,
            anchors=mappers.pathway_anchors(pathway),
            open_codes=_shared.open_codes(pathway),
        )
        if not planned:
            continue
        opened = _shared.instances_create(
            pathway=pathway,
            planned=planned,
            by_code={d.code: d for d in stored},
            event=ctx.event,
        )
        if ctx.event.pathway_id != pathway.pk:
            ctx.event.pathway = pathway
            ctx.event.save(update_fields=["pathway", "updated_at"])
        return opened
    return []


def _on_change_at_home(ctx: EventContext) -> None:
    """A fall, a decline, a contact with the out-of-hours service: HPH4 (it repeats)."""
    ctx.data["opened"] = [sp.definition.code for sp in _open_triggered(ctx)]


def _on_admission(ctx: EventContext) -> None:
    """Interrupt the open stop points, open the admission report (HPH6) and, with a ward,
    admit a hospital stay. A readmission within 30 days of the last discharge is flagged."""
    ctx.data["interrupted"] = [sp.pk for p in ctx.pathways for sp in _interrupt(p, at=ctx.at)]
    ctx.data["opened"] = [sp.definition.code for sp in _open_triggered(ctx)]
    previous_discharge = max(
        (p.discharged_at for p in ctx.pathways if p.discharged_at is not None), default=None
    )
    ctx.data["readmission"] = planning.is_readmission(previous_discharge, ctx.at)
    if ctx.ward is not None:
        hospital_stay_admit(actor=ctx.actor, patient=ctx.patient, ward=ctx.ward, admitted_at=ctx.at)
        ctx.data["ward"] = ctx.ward.code


def _on_return_home(ctx: EventContext) -> None:
    """The patient is home again after an admission.

    A pathway started during the stay (the hospital reported the patient ready for discharge)
    gets its discharge and arrival home at the event, if not registered yet. Each pathway
    running from before the admission ends and a new one on the same template version starts,
    linked as its ``previous`` (a readmission), with discharge and arrival home at the event;
    the open hospital stay is discharged."""
    if ctx.admission is not None:
        admitted_at = ctx.admission.occurred_at
    else:
        assert ctx.open_stay is not None  # noqa: S101 - event_record refuses this case
        admitted_at = ctx.open_stay.admitted_at
    interrupted: list[models.StopPoint] = []
    started: list[models.Pathway] = []
    registered: list[int] = []
    for pathway in ctx.pathways:
        if pathway.started_at > admitted_at:
            values: dict[timeline.TimeKind, datetime] = {}
            if pathway.discharged_at is None:
                values[timeline.TimeKind.DISCHARGED] = ctx.at
            if pathway.arrived_home_at is None:
                values[timeline.TimeKind.ARRIVED_HOME] = ctx.at
            if values:
                timeline_services.times_register(
                    actor=ctx.actor, pathway=pathway, values=values, now=ctx.now
                )
                registered.append(pathway.pk)
            continue
        interrupted += _interrupt(pathway, at=ctx.at)
        _end(pathway, at=ctx.at, reason=END_REASON_READMITTED)
        started.append(
            pathway_create(
                actor=ctx.actor,
                patient=ctx.patient,
                version=pathway.version,
                unit=pathway.unit,
                start_reason=models.Pathway.StartReason.DISCHARGE,
                started_at=ctx.at,
                discharged_at=ctx.at,
                arrived_home_at=ctx.at,
                primary_contact=pathway.primary_contact,
                previous=pathway,
                access=ctx.access,
            )
        )
    if ctx.open_stay is not None:
        hospital_stay_discharge(actor=ctx.actor, stay=ctx.open_stay, discharged_at=ctx.at)
    ctx.data["interrupted"] = [sp.pk for sp in interrupted]
    ctx.data["started"] = [p.pk for p in started]
    ctx.data["times_registered"] = registered


def _on_end(ctx: EventContext) -> None:
    """Death, a move to a nursing home, or services ended: interrupt the stop points not yet
    due and end the pathways."""
    ctx.data["interrupted"] = [sp.pk for p in ctx.pathways for sp in _interrupt(p, at=ctx.at)]
    for pathway in ctx.pathways:
        _end(pathway, at=ctx.at, reason=ctx.event.kind)


HANDLERS: dict[str, Callable[[EventContext], None]] = {
    EventKind.FALL: _on_change_at_home,
    EventKind.DECLINE: _on_change_at_home,
    EventKind.OUT_OF_HOURS_CONTACT: _on_change_at_home,
    EventKind.ADMISSION: _on_admission,
    EventKind.RETURN_HOME: _on_return_home,
    EventKind.DEATH: _on_end,
    EventKind.SERVICES_ENDED: _on_end,
    EventKind.NURSING_HOME: _on_end,
}


def _running_pathways(patient: Patient) -> list[models.Pathway]:
    return list(
        models.Pathway.objects.select_for_update()
        .filter(patient=patient, ended_at__isnull=True)
        .select_related("version__template", "unit")
        .order_by("-started_at", "-pk")
    )


def _open_admission(patient: Patient, *, before: datetime) -> models.PathwayEvent | None:
    """The patient's latest admission not yet followed by a return home, if any."""
    last = (
        models.PathwayEvent.objects.filter(
            patient=patient,
            kind__in=[EventKind.ADMISSION, EventKind.RETURN_HOME],
            occurred_at__lte=before,
        )
        .order_by("-occurred_at", "-pk")
        .first()
    )
    return last if last is not None and last.kind == EventKind.ADMISSION else None


def event_record(
    *,
    actor: User,
    patient: Patient,
    kind: str,
    occurred_at: datetime,
    note: str = "",
    ward: Unit | None = None,
    now: datetime | None = None,
) -> models.PathwayEvent:
    """Record something that happened to the patient and let the running pathways react
    (see the handlers: ``_on_change_at_home``, ``_on_admission``, ``_on_return_home``,
    ``_on_end``)."""
    now = now or timezone.now()
    if kind not in HANDLERS:
        raise domain_error(Code.EVENT_KIND, _("Choose what happened."))
    _shared.check_aware(occurred_at=occurred_at)
    _shared.check_not_future(occurred_at, now=now, message=_("An event cannot be in the future."))
    if ward is not None and kind != EventKind.ADMISSION:
        raise domain_error(Code.WARD, _("A ward is given only for an admission."))
    access = _shared.access_require(actor=actor, patient_id=patient.pk, now=now)
    with transaction.atomic():
        Patient.objects.select_for_update().filter(pk=patient.pk).first()  # serialise events
        pathways = _running_pathways(patient)
        admission = _open_admission(patient, before=occurred_at)
        open_stay = patient.stays.filter(discharged_at__isnull=True).first()
        if kind == EventKind.RETURN_HOME and admission is None and open_stay is None:
            raise domain_error(Code.NOT_ADMITTED, _("The patient is not registered as admitted."))
        event = models.PathwayEvent(
            patient=patient,
            pathway=pathways[0] if pathways else None,
            kind=kind,
            occurred_at=occurred_at,
            note=note.strip(),
            recorded_by=actor,
        )
        event.full_clean()
        event.save()
        ctx = EventContext(
            actor=actor,
            access=access,
            patient=patient,
            event=event,
            pathways=pathways,
            ward=ward,
            admission=admission,
            open_stay=open_stay,
            now=now,
            data={
                "kind": kind,
                "pathways": [p.pk for p in pathways],
                "interrupted": [],
                "opened": [],
                "started": [],
            },
        )
        HANDLERS[kind](ctx)
        _shared.audit(
            actor=actor, access=access, verb=AuditVerb.EVENT_RECORDED, target=event, data=ctx.data
        )
    return event
