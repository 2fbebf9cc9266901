"""Filling in and signing a stop point's checklist, part by part.

A stop point has the owner's part and may have parts for other roles (``definition.parts``):
``stop_point_complete`` signs the owner's part, ``stop_point_part_complete`` another role's part
(the GP's part of HPH3, also from the GP's own system). The stop point is done when every part
is signed; without other parts, signing the owner's part completes it, as before.

Optimistic concurrency, per item: every save raises the answer's ``revision``; a save made
against an older answer revision raises ``AnswerConflict`` (with the answer as stored now), so
two people can fill one checklist and only a change to the same item conflicts. Every change
also raises ``StopPoint.revision``: signing is checked against it, so nobody signs answers
they have not seen.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from forlop.core.errors import domain_error
from forlop.core.models import AuditVerb, Membership, Role, User
from forlop.pathways import checklists, mappers, models, planning, registry
from forlop.pathways.error_codes import AnswerConflict, RequiredItemsMissing
from forlop.pathways.error_codes import PathwayErrorCode as Code
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
    expected_answer_revision: int | None = None,
    expected_revision: int | None = None,
    now: datetime | None = None,
) -> models.ChecklistAnswer:
    """Save one answer on a stop point's checklist (see ``checklists.clean_answer``).

    A ``not_relevant_reason`` marks the item not relevant (only where the item allows it;
    ``value`` must then be empty). ``value=None`` without a reason clears the answer.
    Raises ``AnswerConflict`` when ``expected_answer_revision`` (the answer's revision when the
    user loaded it, 0 for none) is not the stored one: someone else changed this item. A caller
    that holds the whole checklist (an import) may pass the stop point's ``expected_revision``
    instead, and gets ``ChecklistConflict`` when anything changed.
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
        if expected_revision is not None:
            _shared.check_revision(locked, expected_revision)
        answer = (
            models.ChecklistAnswer.objects.select_related("answered_by")
            .filter(stop_point=locked, item=item)
            .first()
        )
        stored_revision = answer.revision if answer is not None else 0
        if expected_answer_revision is not None and expected_answer_revision != stored_revision:
            raise AnswerConflict(answer)
        _check_part_open(locked, item)
        cleaned, reason = answer_clean(item, value, not_relevant_reason)
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


def _part_of(stop_point: models.StopPoint, item: models.ChecklistItem) -> str:
    """The part ``item`` is in: its role if the stop point has that part, else the owner's ("")."""
    if item.part and item.part in {role for role, _title in stop_point.definition.part_specs}:
        return item.part
    return ""


def _check_part_open(stop_point: models.StopPoint, item: models.ChecklistItem) -> None:
    part = _part_of(stop_point, item)
    if part == "":
        signed = stop_point.owner_signed_at is not None
    else:
        signed = stop_point.parts.filter(role=part, signed_at__isnull=False).exists()
    if signed:
        raise domain_error(
            Code.PART_SIGNED, _("This part of the checklist is signed. Reopen it to change it.")
        )


def _missing_required(stop_point: models.StopPoint, part: str) -> list[models.ChecklistItem]:
    answers = {
        a.item_id: a
        for a in models.ChecklistAnswer.objects.filter(
            stop_point=stop_point, item__required=True
        ).only("item_id", "value", "not_relevant_reason")
    }
    return [
        item
        for item in stop_point.definition.items.filter(required=True).order_by("order", "pk")
        if _part_of(stop_point, item) == part
        and (
            (answer := answers.get(item.pk)) is None
            or not checklists.is_answered(answer.value, answer.not_relevant_reason)
        )
    ]


def _role_label(role: str) -> str:
    return Role.label_of(role).lower()


def _sign(
    *,
    actor: User,
    stop_point: models.StopPoint,
    part: str,
    expected_revision: int,
    now: datetime | None,
) -> models.StopPoint:
    now = now or timezone.now()
    access = _shared.access_require(actor=actor, patient_id=stop_point.pathway.patient_id, now=now)
    with transaction.atomic():
        locked = _shared.lock(stop_point)
        _shared.check_open(locked)
        _shared.check_revision(locked, expected_revision)
        part_row: models.StopPointPart | None = None
        if part == "":
            if locked.owner_signed_at is not None:
                raise domain_error(
                    Code.PART_SIGNED, _("The owner's part is signed. The other parts remain.")
                )
        else:
            part_row = locked.parts.select_for_update().filter(role=part).first()
            if part_row is None:
                raise domain_error(Code.PART, _("This stop point has no such part."))
            if part_row.signed_at is not None:
                raise domain_error(Code.PART_SIGNED, _("This part is already signed."))
            has_role = Membership.objects.filter(user=actor, active=True, role=part).exists()
            if not has_role and part_row.assignee_id != actor.pk:
                raise PermissionDenied(
                    _("Only the %(role)s signs this part.") % {"role": _role_label(part)}
                )
        missing = _missing_required(locked, part)
        if missing:
            raise RequiredItemsMissing(
                texts=[item.text for item in missing], item_ids=[item.pk for item in missing]
            )
        if part_row is None:
            locked.owner_signed_at = now
            locked.owner_signed_by = actor
        else:
            part_row.signed_at = now
            part_row.signed_by = actor
            part_row.save(update_fields=["signed_at", "signed_by", "updated_at"])
        owner_done = locked.owner_signed_at is not None
        completed = owner_done and not locked.parts.filter(signed_at__isnull=True).exists()
        fields = ["owner_signed_at", "owner_signed_by"]
        if completed:
            locked.completed_at = now
            locked.completed_by = actor
            fields += ["completed_at", "completed_by"]
        locked.revision += 1
        locked.full_clean()
        locked.save(update_fields=[*fields, "revision", "updated_at"])
        pathway = locked.pathway
        opened: list[models.StopPoint] = []
        if completed and pathway.ended_at is None:
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
        _shared.sync(stop_point, locked, fields)
        _shared.audit(
            actor=actor,
            access=access,
            verb=AuditVerb.CHECKLIST_COMPLETED if completed else AuditVerb.CHECKLIST_PART_SIGNED,
            target=locked,
            data={
                "code": locked.definition.code,
                "part": part or "owner",
                "completed": completed,
                "on_time": mappers.stop_point_state(locked).deadline.is_met_by(now),
                "opened": [sp.definition.code for sp in opened],
            },
        )
    return stop_point


def stop_point_complete(
    *,
    actor: User,
    stop_point: models.StopPoint,
    expected_revision: int,
    now: datetime | None = None,
) -> models.StopPoint:
    """Sign the owner's part of the checklist: every required item of that part must be
    answered (or not relevant). Without parts for other roles this completes the stop point;
    otherwise it is done when the last part is signed (``stop_point_part_complete``).

    Completing opens the stop points triggered by this one's completion
    (``planning.instances_after_completion``).
    """
    return _sign(
        actor=actor, stop_point=stop_point, part="", expected_revision=expected_revision, now=now
    )


def stop_point_part_complete(
    *,
    actor: User,
    stop_point: models.StopPoint,
    part: str,
    expected_revision: int,
    now: datetime | None = None,
) -> models.StopPoint:
    """Sign the part of role ``part`` (the GP's part of HPH3: the visit and the medication
    review). The actor must hold that role or be assigned to the part; the part's required
    items must be answered. The stop point is done when every part is signed.

    This is the service the GP's own system calls (through the FHIR interface) to close the
    GP's part; it needs only the stop point, the role and the revision the caller read.
    """
    if not part:
        raise domain_error(Code.PART, _("This stop point has no such part."))
    return _sign(
        actor=actor,
        stop_point=stop_point,
        part=part,
        expected_revision=expected_revision,
        now=now,
    )
