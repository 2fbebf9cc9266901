"""Hospital stays: admission and discharge, each with its audit row."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from forlop.core.audit import audit_record
from forlop.core.models import (
    AuditVerb,
    Unit,
    User,
)
from forlop.patients.models import HospitalStay, Patient


def hospital_stay_admit(
    *, actor: User | None, patient: Patient, ward: Unit, admitted_at: datetime
) -> HospitalStay:
    if ward.kind != Unit.Kind.HOSPITAL_WARD:
        raise ValidationError({"ward": _("Choose a hospital ward.")}, code="ward")
    if patient.stays.filter(discharged_at__isnull=True).exists():
        raise ValidationError(_("The patient is already admitted."), code="already_admitted")
    with transaction.atomic():
        stay = HospitalStay(patient=patient, ward=ward, admitted_at=admitted_at)
        stay.full_clean()
        stay.save()
        audit_record(
            actor=actor,
            verb=AuditVerb.STAY_ADMITTED,
            patient_id=patient.pk,
            target=stay,
            data={"ward": ward.code},
        )
    return stay


def hospital_stay_discharge(
    *, actor: User | None, stay: HospitalStay, discharged_at: datetime
) -> HospitalStay:
    if stay.discharged_at is not None:
        raise ValidationError(_("The stay has already ended."), code="already_discharged")
    if discharged_at < stay.admitted_at:
        raise ValidationError(_("Discharge cannot be before admission."), code="before_admission")
    with transaction.atomic():
        stay.discharged_at = discharged_at
        stay.save(update_fields=["discharged_at", "updated_at"])
        audit_record(
            actor=actor, verb=AuditVerb.STAY_DISCHARGED, patient_id=stay.patient_id, target=stay
        )
    return stay
