"""A stop point's state beyond its checklist: reopen, not relevant, who is responsible."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forlop.core.errors import domain_error
from forlop.core.models import AuditVerb, User
from forlop.pathways import models
from forlop.pathways.error_codes import PathwayErrorCode as Code
from forlop.pathways.services import _shared

MIN_REOPEN_REASON = 5


def stop_point_reopen(
    *,
    actor: User,
    stop_point: models.StopPoint,
    reason: str,
    part: str | None = None,
    now: datetime | None = None,
) -> models.StopPoint:
    """Reopen a signed (or not-relevant) stop point so it can be changed. A reason is required.

    ``part`` reopens one part only: ``""`` the owner's, a role that role's part (the other
    signatures stay); ``None`` reopens every part. The stop point is no longer done either way.
    """
    now = now or timezone.now()
    reason = (reason or "").strip()
    if len(reason) < MIN_REOPEN_REASON:
        raise domain_error(
            Code.REASON,
            _("Explain why the checklist is reopened (at least %(n)d characters).")
            % {"n": MIN_REOPEN_REASON},
        )
    access = _shared.access_require(actor=actor, patient_id=stop_point.pathway.patient_id, now=now)
    with transaction.atomic():
        locked = _shared.lock(stop_point)
        _shared.check_not_interrupted(locked)
        parts = list(locked.parts.select_for_update())
        signed_parts = [p for p in parts if p.signed_at is not None]
        if (
            locked.completed_at is None
            and locked.not_relevant_at is None
            and locked.owner_signed_at is None
            and not signed_parts
        ):
            raise domain_error(Code.NOT_CLOSED, _("This checklist is not signed."))
        previous = {
            "completed_at": locked.completed_at.isoformat() if locked.completed_at else None,
            "completed_by": locked.completed_by_id,
            "owner_signed_by": locked.owner_signed_by_id,
            "parts_signed_by": {p.role: p.signed_by_id for p in signed_parts},
            "not_relevant": locked.not_relevant_at is not None,
        }
        fields = ["completed_at", "completed_by", "not_relevant_at", "not_relevant_reason"]
        locked.completed_at = None
        locked.completed_by = None
        locked.not_relevant_at = None
        locked.not_relevant_reason = ""
        if part in (None, ""):
            locked.owner_signed_at = None
            locked.owner_signed_by = None
            fields += ["owner_signed_at", "owner_signed_by"]
        for row in signed_parts:
            if part is None or row.role == part:
                row.signed_at = None
                row.signed_by = None
                row.save(update_fields=["signed_at", "signed_by", "updated_at"])
        locked.revision += 1
        locked.full_clean()
        locked.save(update_fields=[*fields, "revision", "updated_at"])
        _shared.sync(stop_point, locked, fields)
        _shared.audit(
            actor=actor,
            access=access,
            verb=AuditVerb.CHECKLIST_REOPENED,
            target=locked,
            reason=reason,
            data={
                "code": locked.definition.code,
                "part": "all" if part is None else (part or "owner"),
                **previous,
            },
        )
    return stop_point


def stop_point_mark_not_relevant(
    *,
    actor: User,
    stop_point: models.StopPoint,
    reason: str,
    now: datetime | None = None,
) -> models.StopPoint:
    """Mark an open stop point not relevant for this patient, with the reason."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise domain_error(Code.REASON, _("Explain why the stop point is not relevant."))
    access = _shared.access_require(actor=actor, patient_id=stop_point.pathway.patient_id, now=now)
    with transaction.atomic():
        locked = _shared.lock(stop_point)
        _shared.check_open(locked)
        locked.not_relevant_at = now
        locked.not_relevant_reason = reason
        locked.revision += 1
        locked.full_clean()
        locked.save(
            update_fields=["not_relevant_at", "not_relevant_reason", "revision", "updated_at"]
        )
        _shared.sync(stop_point, locked, ["not_relevant_at", "not_relevant_reason"])
        _shared.audit(
            actor=actor,
            access=access,
            verb=AuditVerb.STOP_POINT_NOT_RELEVANT,
            target=locked,
            reason=reason,
            data={"code": locked.definition.code},
        )
    return stop_point


def stop_point_assign(
    *,
    actor: User,
    stop_point: models.StopPoint,
    assignee: User | None,
    now: datetime | None = None,
) -> models.StopPoint:
    """Make a person responsible for a stop point (None: back to the pathway's primary contact)."""
    now = now or timezone.now()
    access = _shared.access_require(actor=actor, patient_id=stop_point.pathway.patient_id, now=now)
    with transaction.atomic():
        locked = _shared.lock(stop_point)
        _shared.check_not_interrupted(locked)
        locked.assignee = assignee
        locked.revision += 1
        locked.full_clean()
        locked.save(update_fields=["assignee", "revision", "updated_at"])
        _shared.sync(stop_point, locked, ["assignee"])
        _shared.audit(
            actor=actor,
            access=access,
            verb=AuditVerb.STOP_POINT_ASSIGNED,
            target=locked,
            data={
                "code": locked.definition.code,
                "assigned_to": assignee.pk if assignee is not None else None,
            },
        )
    return stop_point
