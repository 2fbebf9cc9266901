"""The hospital ward's page: the patients admitted there, with their discharge work."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q

from forlop.core.audit import audit_record
from forlop.core.models import AuditVerb, Membership, Role, Unit, User
from forlop.pathways import mappers, models, rules
from forlop.patients.models import HospitalStay, Patient


@dataclass(frozen=True, slots=True)
class WardPatient:
    stay: HospitalStay
    patient: Patient
    pathway: models.Pathway | None  # the latest pathway (running, or interrupted by the stay)
    admission_report: models.StopPoint | None  # HPH6: what home care sent the hospital
    work: list[tuple[models.StopPoint, rules.StopPointStatus]] = field(default_factory=list)


def wards_for_user(*, user: User) -> list[Unit]:
    return list(
        Unit.objects.filter(
            kind=Unit.Kind.HOSPITAL_WARD,
            memberships__user=user,
            memberships__active=True,
            memberships__role=Role.HOSPITAL_NURSE,
        )
        .distinct()
        .order_by("name")
    )


def ward_patients(*, user: User, now: datetime) -> list[WardPatient]:
    """The patients admitted to the user's wards at ``now``, each with the latest pathway, its
    admission report (HPH6) and the open stop points a hospital nurse does (HPH0: the
    discharge). Four queries and one audit row naming the patients shown."""
    ward_ids = Membership.objects.filter(
        user=user, active=True, role=Role.HOSPITAL_NURSE, unit__kind=Unit.Kind.HOSPITAL_WARD
    ).values("unit_id")
    stays = list(
        HospitalStay.objects.filter(ward_id__in=ward_ids, admitted_at__lte=now)
        .filter(Q(discharged_at__isnull=True) | Q(discharged_at__gt=now))
        .filter(patient__in=Patient.objects.visible_to(user, now=now))
        .select_related("patient", "ward")
        .order_by("ward__name", "admitted_at", "pk")
    )
    patient_ids = [stay.patient_id for stay in stays]
    latest: dict[int, models.Pathway] = {}
    for pathway in (
        models.Pathway.objects.filter(patient_id__in=patient_ids)
        .select_related("unit", "version__template")
        .order_by("patient_id", "-started_at", "-pk")
    ):
        latest.setdefault(pathway.patient_id, pathway)
    reports: dict[int, models.StopPoint] = {}
    work: dict[int, list[tuple[models.StopPoint, rules.StopPointStatus]]] = {}
    for sp in (
        models.StopPoint.objects.filter(
            # The admission report belongs to the pathway that ran when the patient was
            # admitted, which a ready-for-discharge report may since have followed with a new
            # one: any of the patient's pathways. The ward's own work is on the latest.
            Q(definition__code="HPH6", pathway__patient_id__in=patient_ids)
            | (
                Q(pathway__in=list(latest.values()))
                & models.open_q()
                & Q(definition__responsible_role=Role.HOSPITAL_NURSE)
            )
        )
        .select_related("definition", "pathway")
        .order_by("due_at", "pk")
    ):
        if sp.definition.code == "HPH6":
            reports[sp.pathway.patient_id] = sp  # the latest due wins
        if (
            sp.is_open
            and sp.definition.responsible_role == Role.HOSPITAL_NURSE
            and sp.pathway_id == latest[sp.pathway.patient_id].pk
        ):
            work.setdefault(sp.pathway.patient_id, []).append(
                (sp, mappers.stop_point_status(sp, now=now))
            )
    if patient_ids:
        audit_record(actor=user, verb=AuditVerb.PATIENT_VIEWED, data={"list": patient_ids})
    return [
        WardPatient(
            stay=stay,
            patient=stay.patient,
            pathway=latest.get(stay.patient_id),
            admission_report=reports.get(stay.patient_id),
            work=work.get(stay.patient_id, []),
        )
        for stay in stays
    ]
