"""Reads of patient data. `patient_get_for_user` is the one way code reaches a single patient."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from forlop.core.audit import audit_record
from forlop.core.models import AuditEvent, AuditVerb, User
from forlop.core.selectors import led_units
from forlop.patients.models import EmergencyAccess, Patient


def has_service_need(patient: Patient) -> bool:
    """Whether a patient from ``visible_to``/``with_access`` is reached by service need, not
    only by emergency access (the annotations ``with_access`` adds)."""
    return bool(
        getattr(patient, "access_service", False)
        or getattr(patient, "access_gp", False)
        or getattr(patient, "access_stay", False)
    )


def patient_list_for_user(
    *, user: User, now: datetime | None = None, query: str = ""
) -> QuerySet[Patient]:
    """The patients the user has a service need for, optionally filtered by name."""
    now = now or timezone.now()
    qs = Patient.objects.visible_to(user, now=now).select_related(
        "municipality", "primary_contact", "gp"
    )
    for word in query.split():
        qs = qs.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
    return qs


def patient_get_for_user(
    *,
    user: User,
    patient_id: int,
    verb: AuditVerb = AuditVerb.PATIENT_VIEWED,
    now: datetime | None = None,
    data: dict[str, object] | None = None,
) -> Patient:
    """Return the patient if the user has a service need for them, and audit the access.

    Raises Http404 otherwise, so the answer does not tell whether the patient exists.
    The audit row records whether access came only through emergency access, with its reason.
    """
    now = now or timezone.now()
    patient = (
        Patient.objects.visible_to(user, now=now)
        .select_related("municipality", "gp", "primary_contact")
        .filter(pk=patient_id)
        .first()
    )
    if patient is None:
        raise Http404
    emergency = None
    if not has_service_need(patient):
        emergency = (
            EmergencyAccess.objects.filter(
                user=user, patient=patient, granted_at__lte=now, expires_at__gt=now
            )
            .order_by("-granted_at")
            .first()
        )
    with transaction.atomic():
        audit_record(
            actor=user,
            verb=verb,
            patient_id=patient.pk,
            target=patient,
            emergency=emergency is not None,
            reason=emergency.reason if emergency is not None else "",
            data=data,
        )
    return patient


def patient_find_by_identity_number(*, identity_number: str) -> Patient | None:
    """Look a patient up by number, for the search and emergency-access forms only.

    The caller must not show the result unless patient_get_for_user allows it.
    """
    return Patient.objects.filter(identity_number=identity_number).first()


def patient_access_log(*, patient: Patient) -> QuerySet[AuditEvent]:
    """Who has looked at or changed this patient's record: reads and writes by people."""
    return (
        AuditEvent.objects.filter(patient_id=patient.pk, actor__isnull=False)
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )


def emergency_accesses_for_leader(
    *, user: User, only_unreviewed: bool = False
) -> QuerySet[EmergencyAccess]:
    """Emergency accesses a leader must review: taken by members of their units, or to patients they serve."""
    units = led_units(user=user)
    qs = EmergencyAccess.objects.filter(
        Q(user__memberships__unit__in=units) | Q(patient__services__unit__in=units)
    ).distinct()
    if only_unreviewed:
        qs = qs.filter(reviewed_at__isnull=True)
    return qs.select_related("user", "patient", "reviewed_by").order_by("-granted_at")


def audit_events_for_leader(
    *,
    user: User,
    actor_id: int | None = None,
    patient_id: int | None = None,
    verb: str = "",
    date_from: datetime | None = None,
    date_to: datetime | None = None,
    emergency_only: bool = False,
) -> QuerySet[AuditEvent]:
    """Audit rows a leader may review: actions by their units' staff, or on their units' patients."""
    units = led_units(user=user)
    served = Patient.objects.filter(services__unit__in=units).values("pk")
    qs = AuditEvent.objects.filter(
        Q(actor__memberships__unit__in=units) | Q(patient_id__in=served)
    ).distinct()
    if actor_id is not None:
        qs = qs.filter(actor_id=actor_id)
    if patient_id is not None:
        qs = qs.filter(patient_id=patient_id)
    if verb:
        qs = qs.filter(verb=verb)
    if date_from is not None:
        qs = qs.filter(created_at__gte=date_from)
    if date_to is not None:
        qs = qs.filter(created_at__lt=date_to)
    if emergency_only:
        qs = qs.filter(emergency=True)
    return qs.select_related("actor").order_by("-created_at", "-pk")


@dataclass(frozen=True, slots=True)
class PatientAccess:
    """Why a user may act on a patient: through emergency access only, or by service need."""

    patient_id: int
    emergency: bool
    reason: str = ""


def patient_access_require(*, user: User, patient_id: int, now: datetime) -> PatientAccess:
    """Check, for a write, that ``user`` has a service need for the patient at ``now``.

    Services that change patient data call this first and write their own audit row, flagged
    when the access is emergency access only. Raises ``PermissionDenied`` otherwise (the user
    already reached the patient, or the caller is a system acting for someone).
    """
    patient = Patient.objects.visible_to(user, now=now).filter(pk=patient_id).only("pk").first()
    if patient is None:
        raise PermissionDenied(_("You have no service need for this patient."))
    if has_service_need(patient):
        return PatientAccess(patient_id=patient_id, emergency=False)
    grant = (
        EmergencyAccess.objects.filter(
            user=user, patient_id=patient_id, granted_at__lte=now, expires_at__gt=now
        )
        .order_by("-granted_at")
        .values_list("reason", flat=True)
        .first()
    )
    return PatientAccess(patient_id=patient_id, emergency=True, reason=grant or "")
