"""The service decision behind every access: a unit's service to a patient starts and ends here."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forlop.core.audit import audit_record
from forlop.core.models import (
    AuditVerb,
    Membership,
    Role,
    Unit,
    User,
)
from forlop.patients.models import Patient, PatientService


def service_decision_role(*, actor: User, patient: Patient, unit: Unit | None = None) -> str | None:
    """The role in which the actor may decide which units serve the patient, or None.

    A service decision (tjenestevedtak) is the allocation office's (of the patient's
    municipality) or a unit leader's (of the unit in question, or with `unit=None` of any unit
    of the municipality). It is never made under emergency access: the actor needs a service
    need of their own, checked separately in `_check_service_decision`.
    """
    memberships = Membership.objects.filter(user=actor, active=True)
    if memberships.filter(
        role=Role.ALLOCATION_OFFICE, unit__organisation_id=patient.municipality_id
    ).exists():
        return Role.ALLOCATION_OFFICE
    leads = memberships.filter(role=Role.UNIT_LEADER, unit__organisation_id=patient.municipality_id)
    if unit is not None:
        leads = leads.filter(unit=unit)
    if leads.exists():
        return Role.UNIT_LEADER
    return None


def _check_service_decision(*, actor: User, patient: Patient, unit: Unit, now: datetime) -> str:
    if (
        not Patient.objects.visible_to(actor, now=now, include_emergency=False)
        .filter(pk=patient.pk)
        .exists()
    ):
        raise PermissionDenied(
            _("Serving units are decided with a service need, never under emergency access.")
        )
    role = service_decision_role(actor=actor, patient=patient, unit=unit)
    if role is None:
        raise PermissionDenied(
            _(
                "Which units serve a patient is a service decision, made by the allocation "
                "office or the unit's leader."
            )
        )
    if unit.organisation_id != patient.municipality_id:
        raise ValidationError({"unit": _("Choose a unit of the patient's municipality.")})
    return role


def patient_service_add(
    *, actor: User, patient: Patient, unit: Unit, started_on: date, now: datetime | None = None
) -> PatientService:
    """Record the service decision that a unit serves the patient (gives its staff access)."""
    role = _check_service_decision(
        actor=actor, patient=patient, unit=unit, now=now or timezone.now()
    )
    with transaction.atomic():
        service = PatientService(patient=patient, unit=unit, started_on=started_on)
        service.full_clean()
        service.save()
        audit_record(
            actor=actor,
            verb=AuditVerb.PATIENT_SERVICE_ADDED,
            patient_id=patient.pk,
            target=service,
            data={"unit": unit.code, "service_decision": True, "decided_as": role},
        )
    return service


def patient_service_end(
    *, actor: User, service: PatientService, ended_on: date, now: datetime | None = None
) -> PatientService:
    """Record the service decision that a unit no longer serves the patient."""
    role = _check_service_decision(
        actor=actor, patient=service.patient, unit=service.unit, now=now or timezone.now()
    )
    with transaction.atomic():
        service.ended_on = ended_on
        service.full_clean()
        service.save(update_fields=["ended_on", "updated_at"])
        audit_record(
            actor=actor,
            verb=AuditVerb.PATIENT_SERVICE_ENDED,
            patient_id=service.patient_id,
            target=service,
            data={"unit": service.unit.code, "service_decision": True, "decided_as": role},
        )
    return service
