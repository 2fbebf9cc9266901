"""Writing the audit log. Every service that reads or writes patient data calls audit_record()."""

from __future__ import annotations

from typing import Any

from django.db import models

from forlop.core.models import AuditEvent, AuditVerb, User


def audit_record(
    *,
    actor: User | None,
    verb: AuditVerb | str,
    patient_id: int | None = None,
    target: models.Model | None = None,
    reason: str = "",
    emergency: bool = False,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit row. Call it inside the caller's transaction."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=str(verb),
        patient_id=patient_id,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target.pk if target is not None else None,
        reason=reason,
        emergency=emergency,
        data=data or {},
    )
