"""What the engine's services share: access and time checks, planning instances from the
rules, locking a stop point and the optimistic-concurrency revision."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Max
from django.utils.translation import gettext as _

from forlop.core.audit import audit_record
from forlop.core.errors import domain_error
from forlop.core.models import AuditVerb, User
from forlop.pathways import mappers, models, rules
from forlop.pathways.error_codes import ChecklistConflict
from forlop.pathways.error_codes import PathwayErrorCode as Code
from forlop.patients.selectors import PatientAccess, patient_access_require

# A time a few minutes ahead of the server clock is a clock difference, not the future.
FUTURE_TOLERANCE = timedelta(minutes=5)


def access_require(*, actor: User, patient_id: int, now: datetime) -> PatientAccess:
    """The actor's service need for the patient (``PermissionDenied`` without one)."""
    return patient_access_require(user=actor, patient_id=patient_id, now=now)


def audit(
    *,
    actor: User,
    access: PatientAccess,
    verb: AuditVerb,
    target: Any,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    """The write's audit row, flagged when the actor acts under emergency access only."""
    audit_record(
        actor=actor,
        verb=verb,
        patient_id=access.patient_id,
        target=target,
        emergency=access.emergency,
        reason=reason or access.reason,
        data=data,
    )


def check_aware(**values: datetime | None) -> None:
    for value in values.values():
        if value is not None and (value.tzinfo is None or value.utcoffset() is None):
            raise domain_error(Code.NAIVE_DATETIME, _("Give the time with a time zone."))


def check_not_future(value: datetime | None, *, now: datetime, message: str) -> None:
    if value is not None and value > now + FUTURE_TOLERANCE:
        raise domain_error(Code.FUTURE, message)


def definitions(version: models.TemplateVersion) -> list[models.StopPointDefinition]:
    return list(version.definitions.all())


def rule_definitions(
    stored: Sequence[models.StopPointDefinition],
) -> list[rules.StopPointDefinition]:
    try:
        return [mappers.definition_rule(d) for d in stored]
    except rules.RuleError as exc:  # a stored template the rules refuse
        raise domain_error(
            Code.INVALID_TEMPLATE, _("The pathway template is inconsistent and cannot be used.")
        ) from exc


def instances_create(
    *,
    pathway: models.Pathway,
    planned: Sequence[rules.PlannedStopPoint],
    by_code: dict[str, models.StopPointDefinition],
    event: models.PathwayEvent | None = None,
) -> list[models.StopPoint]:
    """Save the planned instances; a non-recurring definition counts its occurrences."""
    created: list[models.StopPoint] = []
    for plan in planned:
        definition = by_code[plan.code]
        occurrence = plan.occurrence
        if definition.trigger != models.TriggerChoices.RECURRENCE:
            highest = pathway.stop_points.filter(definition=definition).aggregate(
                n=Max("occurrence")
            )["n"]
            occurrence = (highest or 0) + 1
        stop_point = models.StopPoint(
            pathway=pathway,
            definition=definition,
            occurrence=occurrence,
            event=event,
            triggered_at=plan.triggered_at,
            opens_at=plan.opens_at,
            due_at=plan.deadline.due_at,
            due_all_day=plan.deadline.all_day,
            ends_at=plan.deadline.ends_at,
            assignee=None,
        )
        stop_point.full_clean()
        stop_point.save()
        models.StopPointPart.objects.bulk_create(
            models.StopPointPart(stop_point=stop_point, role=role, title=title)
            for role, title in definition.part_specs
        )
        created.append(stop_point)
    return created


def open_codes(pathway: models.Pathway) -> set[str]:
    return set(pathway.stop_points.open().values_list("definition__code", flat=True))


def lock(stop_point: models.StopPoint) -> models.StopPoint:
    return (
        models.StopPoint.objects.select_for_update()
        .select_related("definition", "pathway")
        .get(pk=stop_point.pk)
    )


def sync(target: models.StopPoint, source: models.StopPoint, fields: Sequence[str]) -> None:
    """Copy the saved values back to the caller's object so it shows the new revision."""
    for name in [*fields, "revision", "updated_at"]:
        setattr(target, name, getattr(source, name))


def sync_pathway(target: models.Pathway, source: models.Pathway) -> None:
    """Copy a locked pathway's saved times back to the caller's object."""
    for name in (
        "ready_for_discharge_at",
        "planned_discharge_at",
        "discharged_at",
        "short_stay_kind",
        "short_stay_started_at",
        "arrived_home_at",
        "updated_at",
    ):
        setattr(target, name, getattr(source, name))


def check_revision(stop_point: models.StopPoint, expected_revision: int) -> None:
    if expected_revision != stop_point.revision:
        raise ChecklistConflict()


def check_not_interrupted(stop_point: models.StopPoint) -> None:
    if stop_point.interrupted_at is not None:
        raise domain_error(
            Code.INTERRUPTED, _("This stop point was interrupted and can no longer be changed.")
        )


def check_open(stop_point: models.StopPoint) -> None:
    if stop_point.completed_at is not None:
        raise domain_error(Code.COMPLETED, _("This checklist is signed. Reopen it to change it."))
    check_not_interrupted(stop_point)
    if stop_point.not_relevant_at is not None:
        raise domain_error(
            Code.NOT_RELEVANT,
            _("This stop point is marked not relevant. Reopen it to change it."),
        )
