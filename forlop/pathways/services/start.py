"""Starting a pathway and registering the times it is anchored on (discharge, arrival home)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forlop.core.errors import domain_error
from forlop.core.models import AuditVerb, Unit, User
from forlop.pathways import mappers, models, planning, rules
from forlop.pathways.error_codes import PathwayErrorCode as Code
from forlop.pathways.services import _shared
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


def _validate_anchors(
    *, started_at: datetime, discharged_at: datetime | None, arrived_home_at: datetime | None
) -> None:
    _shared.check_aware(
        started_at=started_at, discharged_at=discharged_at, arrived_home_at=arrived_home_at
    )
    if (
        discharged_at is not None
        and arrived_home_at is not None
        and arrived_home_at < discharged_at
    ):
        raise domain_error(
            Code.ARRIVAL_BEFORE_DISCHARGE,
            _("The patient cannot arrive home before the discharge."),
        )


def pathway_preview(
    *,
    version: models.TemplateVersion,
    start_reason: str,
    started_at: datetime,
    discharged_at: datetime | None = None,
    arrived_home_at: datetime | None = None,
) -> list[PreviewRow]:
    """The stop points a pathway would get if started now with these times. Writes nothing."""
    _validate_anchors(
        started_at=started_at, discharged_at=discharged_at, arrived_home_at=arrived_home_at
    )
    stored = _shared.definitions(version)
    by_code = {d.code: d for d in stored}
    anchors = mappers.pathway_anchors(
        models.Pathway(
            start_reason=start_reason,
            started_at=started_at,
            discharged_at=discharged_at,
            arrived_home_at=arrived_home_at,
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
) -> models.Pathway:
    """Create a pathway and its start instances. The caller holds the transaction and has
    checked access (``pathway_start``, or the return home in ``events``)."""
    stored = _shared.definitions(version)
    pathway = models.Pathway(
        patient=patient,
        version=version,
        unit=unit,
        primary_contact=primary_contact,
        start_reason=start_reason,
        started_at=started_at,
        discharged_at=discharged_at,
        arrived_home_at=arrived_home_at,
        previous=previous,
        started_by=actor,
    )
    pathway.full_clean()
    pathway.save()
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
) -> models.Pathway:
    """Start a pathway on a published template version and plan its stop points.

    A pathway that does not start with a discharge starts at home: the stop points anchored
    on the arrival home count from ``started_at``. Stop points anchored on a time not known
    yet (the arrival home after a discharge) are planned by ``pathway_anchors_set`` later.
    Refuses a second running pathway of the same template for the patient, unless it is
    ``previous`` (which then ends: the new pathway follows it). ``primary_contact`` defaults to
    the patient's primary contact.
    """
    now = now or timezone.now()
    if not version.is_published:
        raise domain_error(Code.UNPUBLISHED, _("Only a published template version can be started."))
    if start_reason not in models.Pathway.StartReason.values:
        raise domain_error(Code.START_REASON, _("Choose a start reason."))
    _validate_anchors(
        started_at=started_at, discharged_at=discharged_at, arrived_home_at=arrived_home_at
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
        )


def pathway_anchors_set(
    *,
    actor: User,
    pathway: models.Pathway,
    discharged_at: datetime | None = None,
    arrived_home_at: datetime | None = None,
    now: datetime | None = None,
) -> list[models.StopPoint]:
    """Register the discharge and/or the arrival home of a running pathway.

    Plans the start stop points that were waiting for that time (``planning.instances_for_anchor``).
    A time already registered cannot be changed here. Returns the new instances.
    """
    now = now or timezone.now()
    _shared.check_aware(discharged_at=discharged_at, arrived_home_at=arrived_home_at)
    for name, value in (("discharged_at", discharged_at), ("arrived_home_at", arrived_home_at)):
        if value is not None and getattr(pathway, name) is not None:
            raise domain_error(Code.ALREADY_SET, _("This time is already registered."))
        _shared.check_not_future(value, now=now, message=_("The time cannot be in the future."))
    if pathway.ended_at is not None:
        raise domain_error(Code.ENDED, _("The pathway has ended."))
    access = _shared.access_require(actor=actor, patient_id=pathway.patient_id, now=now)
    with transaction.atomic():
        pathway = models.Pathway.objects.select_for_update().get(pk=pathway.pk)
        pathway.discharged_at = discharged_at or pathway.discharged_at
        pathway.arrived_home_at = arrived_home_at or pathway.arrived_home_at
        _validate_anchors(
            started_at=pathway.started_at,
            discharged_at=pathway.discharged_at,
            arrived_home_at=pathway.arrived_home_at,
        )
        pathway.full_clean()
        pathway.save(update_fields=["discharged_at", "arrived_home_at", "updated_at"])
        stored = _shared.definitions(pathway.version)
        existing = set(pathway.stop_points.values_list("definition__code", flat=True))
        planned: list[rules.PlannedStopPoint] = []
        for anchor, value in (
            (rules.Anchor.DISCHARGE, discharged_at),
            (rules.Anchor.ARRIVAL_HOME, arrived_home_at),
        ):
            if value is not None:
                planned += planning.instances_for_anchor(
                    _shared.rule_definitions(stored), mappers.pathway_anchors(pathway), anchor
                )
        planned = [p for p in planned if p.code not in existing]
        created = _shared.instances_create(
            pathway=pathway, planned=planned, by_code={d.code: d for d in stored}
        )
        _shared.audit(
            actor=actor,
            access=access,
            verb=AuditVerb.EVENT_RECORDED,
            target=pathway,
            data={
                "anchors": [
                    n
                    for n, v in (
                        ("discharged_at", discharged_at),
                        ("arrived_home_at", arrived_home_at),
                    )
                    if v is not None
                ],
                "stop_points": [sp.definition.code for sp in created],
            },
        )
    return created
