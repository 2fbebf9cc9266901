"""Starting a pathway and registering the times it is anchored on (discharge, arrival home)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forlop.core.errors import domain_error
from forlop.core.models import AuditVerb, Unit, User
from forlop.pathways import mappers, models, planning, timeline
from forlop.pathways.error_codes import PathwayErrorCode as Code
from forlop.pathways.services import _shared
from forlop.pathways.services import timeline as timeline_services
from forlop.patients.models import Patient
from forlop.patients.selectors import PatientAccess

END_REASON_READMITTED = "readmitted"


@dataclass(frozen=True, slots=True)
class PreviewRow:
    code: str
    title: str
    responsible_role: str
    opens_at: datetime
    due_at: datetime
    all_day: bool
    part_roles: tuple[str, ...] = ()
    shown_code: str | None = None
    """The code users see ("" for the daily care plan); None: the code itself."""


def _validate_anchors(
    *,
    started_at: datetime,
    discharged_at: datetime | None,
    arrived_home_at: datetime | None,
    ready_for_discharge_at: datetime | None = None,
    planned_discharge_at: datetime | None = None,
    short_stay_started_at: datetime | None = None,
    now: datetime | None = None,
) -> None:
    _shared.check_aware(
        started_at=started_at,
        discharged_at=discharged_at,
        arrived_home_at=arrived_home_at,
        ready_for_discharge_at=ready_for_discharge_at,
        planned_discharge_at=planned_discharge_at,
        short_stay_started_at=short_stay_started_at,
    )
    errors = timeline.timeline_errors(
        timeline.Timeline(
            started_at=started_at,
            ready_for_discharge_at=ready_for_discharge_at,
            planned_discharge_at=planned_discharge_at,
            discharged_at=discharged_at,
            short_stay_started_at=short_stay_started_at,
            arrived_home_at=arrived_home_at,
        ),
        now=now or timezone.now(),
    )
    if errors:
        code, message = timeline_services.rule_message(errors[0])
        raise domain_error(code, message)


def pathway_preview(
    *,
    version: models.TemplateVersion,
    start_reason: str,
    started_at: datetime,
    discharged_at: datetime | None = None,
    arrived_home_at: datetime | None = None,
    ready_for_discharge_at: datetime | None = None,
    planned_discharge_at: datetime | None = None,
) -> list[PreviewRow]:
    """The stop points a pathway would get if started now with these times. Writes nothing."""
    _validate_anchors(
        started_at=started_at,
        discharged_at=discharged_at,
        arrived_home_at=arrived_home_at,
        ready_for_discharge_at=ready_for_discharge_at,
        planned_discharge_at=planned_discharge_at,
    )
    stored = _shared.definitions(version)
    by_code = {d.code: d for d in stored}
    anchors = mappers.pathway_anchors(
        models.Pathway(
            start_reason=start_reason,
            started_at=started_at,
            discharged_at=discharged_at,
            arrived_home_at=arrived_home_at,
            ready_for_discharge_at=ready_for_discharge_at,
            planned_discharge_at=planned_discharge_at,
        )
    )
    planned = planning.plan_pathway(_shared.rule_definitions(stored), anchors)
    return [
        PreviewRow(
            code=p.code,
            title=by_code[p.code].title,
            responsible_role=by_code[p.code].responsible_role,
            opens_at=p.opens_at,
            due_at=p.deadline.due_at,
            all_day=p.deadline.all_day,
            part_roles=tuple(role for role, _title in by_code[p.code].part_specs),
            shown_code=by_code[p.code].shown_code,
        )
        for p in planned
    ]


def pathway_create(
    *,
    actor: User,
    patient: Patient,
    version: models.TemplateVersion,
    unit: Unit,
    start_reason: str,
    started_at: datetime,
    discharged_at: datetime | None,
    arrived_home_at: datetime | None,
    primary_contact: User | None,
    previous: models.Pathway | None,
    access: PatientAccess,
    ready_for_discharge_at: datetime | None = None,
    planned_discharge_at: datetime | None = None,
    short_stay_kind: str = "",
    short_stay_started_at: datetime | None = None,
    now: datetime | None = None,
) -> models.Pathway:
    """Create a pathway and its start instances. The caller holds the transaction and has
    checked access (``pathway_start``, or the return home in ``events``). Each time given is
    kept as a registration on the pathway's timeline."""
    stored = _shared.definitions(version)
    pathway = models.Pathway(
        patient=patient,
        version=version,
        unit=unit,
        primary_contact=primary_contact,
        start_reason=start_reason,
        started_at=started_at,
        ready_for_discharge_at=ready_for_discharge_at,
        planned_discharge_at=planned_discharge_at,
        discharged_at=discharged_at,
        short_stay_kind=short_stay_kind,
        short_stay_started_at=short_stay_started_at,
        arrived_home_at=arrived_home_at,
        previous=previous,
        started_by=actor,
    )
    pathway.full_clean()
    pathway.save()
    registered_at = now or timezone.now()
    models.PathwayTimeChange.objects.bulk_create(
        models.PathwayTimeChange(
            pathway=pathway,
            kind=kind,
            action=models.PathwayTimeChange.Action.REGISTERED,
            new_value=getattr(pathway, name),
            changed_by=actor,
            changed_at=registered_at,
        )
        for kind, name in mappers.TIME_FIELDS.items()
        if getattr(pathway, name) is not None
        and not (kind is timeline.TimeKind.ARRIVED_HOME and start_reason != "discharge")
    )
    planned = planning.plan_pathway(
        _shared.rule_definitions(stored), mappers.pathway_anchors(pathway)
    )
    created = _shared.instances_create(
        pathway=pathway, planned=planned, by_code={d.code: d for d in stored}
    )
    _shared.audit(
        actor=actor,
        access=access,
        verb=AuditVerb.PATHWAY_STARTED,
        target=pathway,
        data={
            "template": version.template.code,
            "version": version.number,
            "unit": unit.code,
            "start_reason": start_reason,
            "previous": previous.pk if previous is not None else None,
            "stop_points": [sp.definition.code for sp in created],
        },
    )
    return pathway


def pathway_start(
    *,
    actor: User,
    patient: Patient,
    version: models.TemplateVersion,
    unit: Unit,
    start_reason: str,
    started_at: datetime,
    discharged_at: datetime | None = None,
    arrived_home_at: datetime | None = None,
    primary_contact: User | None = None,
    previous: models.Pathway | None = None,
    now: datetime | None = None,
    ready_for_discharge_at: datetime | None = None,
    planned_discharge_at: datetime | None = None,
    short_stay_kind: str = "",
) -> models.Pathway:
    """Start a pathway on a published template version and plan its stop points.

    A discharge pathway (HPH) starts when the hospital reports the patient ready for
    discharge: give ``ready_for_discharge_at`` and ``planned_discharge_at``, and HPH0 and HPH1
    fall due from the planned discharge while the patient is still in hospital. A discharge
    already registered counts as the planned one too. A pathway that does not start with a
    discharge starts at home: the stop points anchored on the arrival home count from
    ``started_at``. Stop points anchored on a time not known yet (the arrival home after a
    discharge) are planned by the timeline services (``services.timeline``) when it happens.
    ``short_stay_kind`` says the patient was discharged to a short stay (from the discharge).
    Refuses a second running pathway of the same template for the patient, unless it is
    ``previous`` (which then ends: the new pathway follows it). ``primary_contact`` defaults to
    the patient's primary contact.
    """
    now = now or timezone.now()
    if not version.is_published:
        raise domain_error(Code.UNPUBLISHED, _("Only a published template version can be started."))
    if start_reason not in models.Pathway.StartReason.values:
        raise domain_error(Code.START_REASON, _("Choose a start reason."))
    if short_stay_kind and short_stay_kind not in models.ShortStayKind.values:
        raise domain_error(Code.SHORT_STAY_KIND, _("Choose the kind of stay."))
    if short_stay_kind and discharged_at is None:
        raise domain_error(
            Code.SHORT_STAY_WITHOUT_DISCHARGE,
            _("Register the discharge from hospital before the short stay."),
        )
    short_stay_started_at = discharged_at if short_stay_kind else None
    if start_reason == models.Pathway.StartReason.DISCHARGE:
        if ready_for_discharge_at is None and planned_discharge_at is not None:
            ready_for_discharge_at = started_at
        if planned_discharge_at is None and discharged_at is not None:
            planned_discharge_at = discharged_at
    _validate_anchors(
        started_at=started_at,
        discharged_at=discharged_at,
        arrived_home_at=arrived_home_at,
        ready_for_discharge_at=ready_for_discharge_at,
        planned_discharge_at=planned_discharge_at,
        short_stay_started_at=short_stay_started_at,
        now=now,
    )
    _shared.check_not_future(
        started_at, now=now, message=_("A pathway cannot start in the future.")
    )
    template = version.template
    if template.organisation_id is not None and template.organisation_id != unit.organisation_id:
        raise domain_error(
            Code.WRONG_ORGANISATION, _("This template belongs to another organisation.")
        )
    if previous is not None and previous.patient_id != patient.pk:
        raise domain_error(
            Code.WRONG_PATIENT, _("The previous pathway belongs to another patient.")
        )
    access = _shared.access_require(actor=actor, patient_id=patient.pk, now=now)
    if primary_contact is None:
        primary_contact = patient.primary_contact
    with transaction.atomic():
        Patient.objects.select_for_update().filter(pk=patient.pk).first()  # serialise starts
        running = models.Pathway.objects.filter(
            patient=patient, version__template=template, ended_at__isnull=True
        )
        if previous is not None:
            running = running.exclude(pk=previous.pk)
        if running.exists():
            raise domain_error(
                Code.ALREADY_RUNNING, _("The patient already has a running pathway of this kind.")
            )
        if previous is not None and previous.ended_at is None:
            previous.ended_at = started_at
            previous.end_reason = END_REASON_READMITTED
            previous.full_clean()
            previous.save(update_fields=["ended_at", "end_reason", "updated_at"])
        return pathway_create(
            actor=actor,
            patient=patient,
            version=version,
            unit=unit,
            start_reason=start_reason,
            started_at=started_at,
            discharged_at=discharged_at,
            arrived_home_at=arrived_home_at,
            primary_contact=primary_contact,
            previous=previous,
            access=access,
            ready_for_discharge_at=ready_for_discharge_at,
            planned_discharge_at=planned_discharge_at,
            short_stay_kind=short_stay_kind,
            short_stay_started_at=short_stay_started_at,
            now=now,
        )


def pathway_anchors_set(
    *,
    actor: User,
    pathway: models.Pathway,
    discharged_at: datetime | None = None,
    arrived_home_at: datetime | None = None,
    now: datetime | None = None,
) -> list[models.StopPoint]:
    """Register the discharge and/or the arrival home of a running pathway (kept for callers
    that register both at once; the pages use the timeline services one action at a time).

    Plans the start stop points that were waiting for that time. A time already registered
    cannot be changed here (``pathway_time_correct`` corrects it). Returns the new instances.
    """
    values: dict[timeline.TimeKind, datetime] = {}
    if discharged_at is not None:
        values[timeline.TimeKind.DISCHARGED] = discharged_at
    if arrived_home_at is not None:
        values[timeline.TimeKind.ARRIVED_HOME] = arrived_home_at
    if not values:
        return []
    changed = timeline_services.times_register(actor=actor, pathway=pathway, values=values, now=now)
    return changed.created
