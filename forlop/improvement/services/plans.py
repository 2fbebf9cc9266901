"""Writes of the model for improvement, continued from ``method.py``: the progress score and
its review, the communication and spread plans, and the huddle board's setting (audited: it
decides how much patient data a wall screen shows). The same rules as there: the actor's role
is checked, the pure rules of ``improvement/method.py`` validate, one transaction.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from forlop.core.audit import audit_record
from forlop.core.models import AuditVerb, Membership, Role, Unit, User
from forlop.improvement import method
from forlop.improvement.access import require_coordinator, require_member
from forlop.improvement.models import (
    BoardSetting,
    ChangeIdea,
    CommunicationItem,
    ProgressScore,
    SpreadStep,
    Team,
)
from forlop.improvement.services.method import raise_problems, unit_of_team_check

# --------------------------------------------------------------------------------------------
# Progress score
# --------------------------------------------------------------------------------------------


def progress_score_set(
    *, team: Team, actor: User, score: Decimal | None, reason: str, today: date
) -> ProgressScore:
    require_member(actor, team)
    raise_problems(method.progress_score_problems(score=score, reason=reason))
    assert score is not None  # noqa: S101 - checked above
    last = team.progress_scores.order_by("-set_on", "-pk").first()
    if last is not None and (last.set_on, last.score, last.reason) == (
        today,
        score,
        reason.strip(),
    ):
        return last  # the form sent twice
    with transaction.atomic():
        row = ProgressScore(
            team=team, score=score, reason=reason.strip(), set_on=today, set_by=actor
        )
        row.full_clean()
        row.save()
    return row


def progress_score_review(
    *, row: ProgressScore, actor: User, review: str, note: str, now: datetime
) -> ProgressScore:
    """The coordinator agrees with the team's score, or questions it (with a comment)."""
    require_coordinator(actor, row.team.network)
    if review not in ProgressScore.Review.values:
        raise ValidationError(_("Agree with the score or question it."))
    if review == ProgressScore.Review.QUESTIONED and not note.strip():
        raise ValidationError(_("Say what you question, so the team can answer."))
    with transaction.atomic():
        row.review, row.review_note = review, note.strip()
        row.reviewed_by, row.reviewed_at = actor, now
        row.save(
            update_fields=["review", "review_note", "reviewed_by", "reviewed_at", "updated_at"]
        )
    return row


# --------------------------------------------------------------------------------------------
# Communication and spread plans
# --------------------------------------------------------------------------------------------


def communication_add(
    *,
    team: Team,
    actor: User,
    audience: str,
    message: str,
    channel: str,
    planned_on: date,
    responsible: str = "",
) -> CommunicationItem:
    require_member(actor, team)
    same = team.communication.filter(
        audience=audience, message=message.strip(), channel=channel, planned_on=planned_on
    ).first()
    if same is not None:  # the form sent twice
        return same
    with transaction.atomic():
        item = CommunicationItem(
            team=team,
            audience=audience,
            message=message.strip(),
            channel=channel,
            planned_on=planned_on,
            responsible=responsible.strip(),
        )
        item.full_clean()
        item.save()
    return item


def communication_done(
    *, item: CommunicationItem, actor: User, done_on: date | None, today: date
) -> CommunicationItem:
    require_member(actor, item.team)
    if done_on is not None and done_on > today:
        raise ValidationError(_("It cannot be done in the future."))
    with transaction.atomic():
        item.done_on = done_on
        item.save(update_fields=["done_on", "updated_at"])
    return item


def communication_remove(*, item: CommunicationItem, actor: User) -> None:
    require_member(actor, item.team)
    with transaction.atomic():
        item.delete()


def spread_step_add(
    *, idea: ChangeIdea, actor: User, unit: Unit, planned_on: date, note: str = ""
) -> SpreadStep:
    """A unit that is to adopt an adopted change next."""
    require_member(actor, idea.team)
    if idea.status != ChangeIdea.Status.ADOPTED:
        raise ValidationError(_("Spread what the team has adopted."))
    unit_of_team_check(idea.team, unit)
    planned = idea.spread_steps.filter(unit=unit).first()
    if planned is not None and planned.planned_on == planned_on:
        return planned  # the form sent twice
    if planned is not None:
        raise ValidationError(_("The unit is already in the spread plan of this change."))
    with transaction.atomic():
        step = SpreadStep(idea=idea, unit=unit, planned_on=planned_on, note=note.strip())
        step.full_clean()
        step.save()
    return step


def spread_step_adopted(
    *, step: SpreadStep, actor: User, adopted_on: date | None, today: date
) -> SpreadStep:
    require_member(actor, step.idea.team)
    if adopted_on is not None and adopted_on > today:
        raise ValidationError(_("It cannot be adopted in the future."))
    with transaction.atomic():
        step.adopted_on = adopted_on
        step.save(update_fields=["adopted_on", "updated_at"])
    return step


# --------------------------------------------------------------------------------------------
# The huddle board
# --------------------------------------------------------------------------------------------


def board_setting_set(*, unit: Unit, actor: User, initials_only: bool) -> BoardSetting:
    """Names or initials only on the unit's board: the unit's leader decides (audited, since
    it decides how much patient data a wall screen shows)."""
    may = Membership.objects.filter(
        user=actor, unit=unit, active=True, role=Role.UNIT_LEADER
    ).exists()
    if not may:
        raise PermissionDenied
    with transaction.atomic():
        setting, _created = BoardSetting.objects.get_or_create(unit=unit)
        setting.initials_only, setting.updated_by = initials_only, actor
        setting.save(update_fields=["initials_only", "updated_by", "updated_at"])
        audit_record(
            actor=actor,
            verb=AuditVerb.BOARD_SETTING_CHANGED,
            target=setting,
            data={"unit": unit.code, "board_initials_only": initials_only},
        )
    return setting
