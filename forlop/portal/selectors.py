"""Reads for the patient's own pages. The patient always comes from the signed-in user's
portal account, never from a URL; every read of the record is audited here, as staff reads
are in the access function (next of kin may be the one reading)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Q, QuerySet

from forlop.core.audit import audit_record
from forlop.core.models import AuditEvent, AuditVerb, Unit, User
from forlop.patients.models import Patient, PatientService
from forlop.patients.selectors import patient_access_log
from forlop.portal.models import PortalAccount


def portal_account_for_user(*, user: User) -> PortalAccount | None:
    """The portal account of a signed-in patient or next of kin, or None for everyone else."""
    if not user.is_authenticated or not user.is_active:
        return None
    return PortalAccount.objects.select_related("patient__municipality").filter(user=user).first()


def portal_patient_get(*, account: PortalAccount, verb: AuditVerb) -> Patient:
    """The account's patient, with the read audited as ``verb``."""
    patient = account.patient
    with transaction.atomic():
        audit_record(actor=account.user, verb=verb, patient_id=patient.pk, target=patient)
    return patient


def serving_units_for_patient(*, patient: Patient, today: date) -> QuerySet[Unit]:
    """Units serving the patient today, with their phone numbers, for the patient's summary."""
    serving = PatientService.objects.filter(patient=patient, started_on__lte=today).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today)
    )
    return (
        Unit.objects.filter(pk__in=serving.values("unit_id"))
        .select_related("organisation")
        .order_by("name")
    )


def access_log_for_portal(*, account: PortalAccount, limit: int = 10) -> list[AuditEvent]:
    """Who has looked at or changed the record, leaving out the portal user's own visits."""
    return list(patient_access_log(patient=account.patient).exclude(actor=account.user)[:limit])
