"""Emergency access ("nødrett"): grant, take, review and the escalation of reviews left overdue."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from forlop.core.audit import audit_record
from forlop.core.models import (
    EMERGENCY_ACCESS_ROLES,
    AuditVerb,
    Membership,
    Organisation,
    User,
)
from forlop.core.selectors import (
    emergency_data_controllers_for_user,
)
from forlop.patients.models import EmergencyAccess, Patient
from forlop.patients.selectors import (
    emergency_accesses_for_leader,
    emergency_review_cutoff,
    patient_find_by_identity_number,
)

MIN_EMERGENCY_REASON = 10


def _emergency_data_controller(*, actor: User, patient: Patient) -> Organisation:
    """The data controller under which the actor may break the glass for this patient.

    The actor must hold a direct-care role (EMERGENCY_ACCESS_ROLES). The record must belong to
    a data controller the actor works for: the patient's municipality, or a hospital trust where
    the patient has (had) a stay.
    """
    if not Membership.objects.filter(
        user=actor, active=True, role__in=EMERGENCY_ACCESS_ROLES
    ).exists():
        raise PermissionDenied(
            _("Emergency access is for clinical staff who give the patient care directly.")
        )
    mine = emergency_data_controllers_for_user(user=actor)
    if patient.municipality_id in mine:
        return patient.municipality
    trusts = Organisation.objects.filter(
        pk__in=mine, units__stays__patient=patient, kind=Organisation.Kind.HOSPITAL_TRUST
    ).distinct()
    trust = trusts.order_by("pk").first()
    if trust is None:
        raise PermissionDenied(
            _(
                "You can take emergency access only to records of the municipality or hospital "
                "trust you work for."
            )
        )
    return trust


def _clean_reason(*, reason_category: str, reason: str) -> tuple[str, str]:
    errors: dict[str, str] = {}
    if reason_category not in EmergencyAccess.Category.values:
        errors["reason_category"] = _("Choose why you need access.")
    reason = reason.strip()
    if len(reason) < MIN_EMERGENCY_REASON:
        errors["reason"] = _("Explain why you need access (at least %(n)d characters).") % {
            "n": MIN_EMERGENCY_REASON
        }
    if errors:
        raise ValidationError(errors, code="reason")
    return reason_category, reason


def emergency_access_grant(
    *,
    actor: User,
    patient: Patient,
    reason_category: str,
    reason: str,
    now: datetime | None = None,
) -> EmergencyAccess:
    """Give time-limited emergency access within the patient's data controller.

    Clinical (direct-care) roles only; a reason category and a text are required and kept for the
    review by the data controller's leaders. Nothing is saved on any refusal.
    """
    now = now or timezone.now()
    controller = _emergency_data_controller(actor=actor, patient=patient)
    reason_category, reason = _clean_reason(reason_category=reason_category, reason=reason)
    with transaction.atomic():
        grant = EmergencyAccess(
            user=actor,
            patient=patient,
            reason_category=reason_category,
            reason=reason,
            data_controller=controller,
            granted_at=now,
            expires_at=now + timedelta(hours=settings.FORLOP_EMERGENCY_ACCESS_HOURS),
        )
        grant.full_clean()
        grant.save()
        audit_record(
            actor=actor,
            verb=AuditVerb.EMERGENCY_ACCESS_GRANTED,
            patient_id=patient.pk,
            target=grant,
            reason=reason,
            emergency=True,
            data={
                "category": reason_category,
                "data_controller": controller.code,
                "expires_at": grant.expires_at.isoformat(),
            },
        )
    return grant


def emergency_access_take(
    *,
    actor: User,
    identity_number: str,
    reason_category: str,
    reason: str,
    now: datetime | None = None,
) -> EmergencyAccess:
    """Emergency access by identity number, as the form asks for it.

    The role is checked before the number is looked up, so a user who may not break the glass
    learns nothing about the number. The look-up is confined to the actor's data controllers
    (and audited): another municipality's patient is "not found", exactly like an unknown number.
    """
    now = now or timezone.now()
    if not Membership.objects.filter(
        user=actor, active=True, role__in=EMERGENCY_ACCESS_ROLES
    ).exists():
        raise PermissionDenied(
            _("Emergency access is for clinical staff who give the patient care directly.")
        )
    reason_category, reason = _clean_reason(reason_category=reason_category, reason=reason)
    found = patient_find_by_identity_number(
        user=actor, identity_number=identity_number, purpose="emergency_access", now=now
    )
    if found.patient is None:
        raise ValidationError(
            {
                "identity_number": _(
                    "No patient with that identity number is registered in the records of the "
                    "municipality or hospital trust you work for."
                )
            },
            code="not_found",
        )
    return emergency_access_grant(
        actor=actor,
        patient=found.patient,
        reason_category=reason_category,
        reason=reason,
        now=now,
    )


def emergency_access_review(
    *, actor: User, access: EmergencyAccess, note: str, now: datetime | None = None
) -> EmergencyAccess:
    """Mark a grant reviewed: by a leader or administrator of its data controller, never the taker."""
    now = now or timezone.now()
    if access.user_id == actor.pk:
        raise PermissionDenied(_("Someone other than you must review your emergency access."))
    if not emergency_accesses_for_leader(user=actor, now=now).filter(pk=access.pk).exists():
        raise PermissionDenied(
            _("Only a leader or administrator of the data controller can review this access.")
        )
    if access.reviewed_at is not None:
        raise ValidationError(
            _("This emergency access has already been reviewed."), code="reviewed"
        )
    with transaction.atomic():
        access.reviewed_by = actor
        access.reviewed_at = now
        access.review_note = note.strip()
        access.full_clean()
        access.save(update_fields=["reviewed_by", "reviewed_at", "review_note", "updated_at"])
        audit_record(
            actor=actor,
            verb=AuditVerb.EMERGENCY_ACCESS_REVIEWED,
            patient_id=access.patient_id,
            target=access,
            data={"note": access.review_note},
        )
    return access


def emergency_access_escalate_overdue(*, now: datetime | None = None) -> list[EmergencyAccess]:
    """Escalate unreviewed grants older than FORLOP_EMERGENCY_REVIEW_HOURS, once each.

    An escalated grant is shown to every leader and administrator of its data controller, and
    gets an audit row. Notifications hook in through FORLOP_EMERGENCY_ESCALATION_NOTIFIER (a
    function taking the grants), called inside the transaction: if it fails, nothing is
    escalated and a retry does it all once. Idempotent: run it from cron or the task in
    patients/tasks.py as often as you like.
    """
    now = now or timezone.now()
    with transaction.atomic():
        overdue = list(
            EmergencyAccess.objects.select_for_update()
            .filter(
                reviewed_at__isnull=True,
                escalated_at__isnull=True,
                granted_at__lt=emergency_review_cutoff(now=now),
            )
            .order_by("granted_at", "pk")
        )
        for grant in overdue:
            grant.escalated_at = now
            grant.save(update_fields=["escalated_at", "updated_at"])
            audit_record(
                actor=None,
                verb=AuditVerb.EMERGENCY_ACCESS_ESCALATED,
                patient_id=grant.patient_id,
                target=grant,
                data={"granted_at": grant.granted_at.isoformat()},
            )
        if overdue and settings.FORLOP_EMERGENCY_ESCALATION_NOTIFIER:
            import_string(settings.FORLOP_EMERGENCY_ESCALATION_NOTIFIER)(overdue)
    return overdue
