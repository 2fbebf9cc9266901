"""Filling in and signing a stop point's checklist.

Stop points use optimistic concurrency: every change raises ``StopPoint.revision``; an edit made
against an older revision raises ``ChecklistConflict``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forlop.core.errors import domain_error
from forlop.core.models import AuditVerb, User
from forlop.pathways import checklists, mappers, models, planning, registry
from forlop.pathways.error_codes import PathwayErrorCode as Code
from forlop.pathways.error_codes import RequiredItemsMissing
from forlop.pathways.services import _shared


def answer_clean(
    item: models.ChecklistItem, value: Any, not_relevant_reason: str
) -> tuple[Any, str]:
    """The (value, reason) to store for ``item``: the pure cleaning, with the structured value
    of a plugged-in item kind cleaned by its plug-in. Raises a ``ValidationError``."""
    plugin = registry.item_kind(item.kind)
    try:
        return checklists.clean_answer(
            mappers.item_rule(item),
            value,
            not_relevant_reason=not_relevant_reason,
            structured=plugin.clean if plugin is not None else None,
        )
    except checklists.AnswerError as exc:
        raise domain_error(exc.code, exc.message) from exc


def checklist_answer_save(
    *,
    actor: User,
    stop_point: models.StopPoint,
    item_id: int,
    value: Any,
    not_relevant_reason: str = "",
    expected_revision: int,
    now: datetime | None = None,
) -> models.ChecklistAnswer:
    """Save one answer on a stop point's checklist (see ``checklists.clean_answer``).

    A ``not_relevant_reason`` marks the item not relevant (only where the item allows it;
    ``value`` must then be empty). ``value=None`` without a reason clears the answer.
    Raises ``ChecklistConflict`` when ``expected_revision`` is not the stop point's revision.
    """
    now = now or timezone.now()
    access = _shared.access_require(actor=actor, patient_id=stop_point.pathway.patient_id, now=now)
    with transaction.atomic():
        locked = _shared.lock(stop_point)
        item = models.ChecklistItem.objects.filter(pk=item_id).first()
        if item is None or item.definition_id != locked.definition_id:
            raise domain_error(
                Code.WRONG_VERSION, _("This question does not belong to this checklist version.")
            )
        _shared.check_open(locked)
        _shared.check_revision(locked, expected_revision)
        cleaned, reason = answer_clean(item, value, not_relevant_reason)
        answer = models.ChecklistAnswer.objects.filter(stop_point=locked, item=item).first()
        if answer is None:
            answer = models.ChecklistAnswer(stop_point=locked, item=item, revision=0)
        answer.value = cleaned
        answer.not_relevant_reason = reason
        answer.answered_by = actor
        answer.answered_at = now
        answer.revision += 1
        answer.full_clean()
        answer.save()
        locked.revision += 1
        locked.save(update_fields=["revision", "updated_at"])
        _shared.sync(stop_point, locked, [])
        _shared.audit(
            actor=actor,
            access=access,
            verb=AuditVerb.CHECKLIST_ANSWERED,
            target=locked,
            data={
                "item": item.key,
                "not_relevant": bool(reason),
                "cleared": cleaned is None and not reason,
            },
        )
    return answer


def _missing_required(stop_point: models.StopPoint) -> list[models.ChecklistItem]:
    answers = {
        a.item_id: a
        for a in models.ChecklistAnswer.objects.filter(
            stop_point=stop_point, item__required=True
        ).only("item_id", "value", "not_relevant_reason")
    }
    return [
        item
        for item in stop_point.definition.items.filter(required=True).order_by("order", "pk")
        if (answer := answers.get(item.pk)) is None
        or not checklists.is_answered(answer.value, answer.not_relevant_reason)
    ]


def stop_point_complete(
    *,
    actor: User,
    stop_point: models.StopPoint,
    expected_revision: int,
    now: datetime | None = None,
) -> models.StopPoint:
    """Sign the checklist: every required item must be answered (or not relevant).

    Opens the stop points triggered by this one's completion (``planning.instances_after_completion``).
    """
    now = now or timezone.now()
    access = _shared.access_require(actor=actor, patient_id=stop_point.pathway.patient_id, now=now)
    with transaction.atomic():
        locked = _shared.lock(stop_point)
        _shared.check_open(locked)
        _shared.check_revision(locked, expected_revision)
        missing = _missing_required(locked)
        if missing:
            raise RequiredItemsMissing(
                texts=[item.text for item in missing], item_ids=[item.pk for item in missing]
            )
        locked.completed_at = now
        locked.completed_by = actor
        locked.revision += 1
        locked.full_clean()
        locked.save(update_fields=["completed_at", "completed_by", "revision", "updated_at"])
        pathway = locked.pathway
        opened: list[models.StopPoint] = []
        if pathway.ended_at is None:
            stored = _shared.definitions(pathway.version)
            planned = planning.instances_after_completion(
                _shared.rule_definitions(stored),
                locked.definition.code,
                now,
                anchors=mappers.pathway_anchors(pathway),
                open_codes=_shared.open_codes(pathway),
            )
            opened = _shared.instances_create(
                pathway=pathway, planned=planned, by_code={d.code: d for d in stored}
            )
        _shared.sync(stop_point, locked, ["completed_at", "completed_by"])
        _shared.audit(
            actor=actor,
            access=access,
            verb=AuditVerb.CHECKLIST_COMPLETED,
            target=locked,
            data={
                "code": locked.definition.code,
                "on_time": mappers.stop_point_state(locked).deadline.is_met_by(now),
                "opened": [sp.definition.code for sp in opened],
            },
        )
    return stop_point
