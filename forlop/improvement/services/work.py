"""The work between gatherings: tasks, patient-interview notes, improvement areas and aims."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from forlop.core.audit import audit_record
from forlop.core.models import AuditVerb, User
from forlop.improvement import method, privacy, rules
from forlop.improvement.access import require_member
from forlop.improvement.models import (
    Aim,
    AimMeasure,
    ImprovementArea,
    InterviewNote,
    TaskCompletion,
    Team,
)
from forlop.measures.models import Measure


def task_mark_done(
    *, team: Team, actor: User, code: str, done_on: date, today: date, note: str = ""
) -> TaskCompletion:
    require_member(actor, team)
    task = rules.TASKS_BY_CODE.get(code)
    if task is None:
        raise ValidationError(_("Unknown task."))
    if task.derived:
        raise ValidationError(_("This task is done when the team's data shows it."))
    if done_on > today:
        raise ValidationError(_("A task cannot be done in the future."))
    with transaction.atomic():
        completion, _created = TaskCompletion.objects.update_or_create(
            team=team,
            task_code=code,
            defaults={"done_on": done_on, "done_by": actor, "note": note},
        )
    return completion


def task_undo(*, team: Team, actor: User, code: str) -> None:
    require_member(actor, team)
    with transaction.atomic():
        TaskCompletion.objects.filter(team=team, task_code=code).delete()


class IdentityWarningError(ValidationError):
    """The note looks as if it identifies someone; saved only after the writer confirms."""

    def __init__(self, findings: Sequence[privacy.Finding]) -> None:
        self.findings = list(findings)
        super().__init__(_("The note may identify a person: check it before saving."))


def interview_save(
    *,
    team: Team,
    actor: User,
    number: int,
    interviewee: str,
    works_well: str,
    works_badly: str,
    ideas: str,
    confirmed: bool,
    today: date,
) -> InterviewNote:
    """Save interview ``number`` (1-5). A note that looks as if it holds a name or an
    identity number raises ``IdentityWarningError`` unless ``confirmed``; the audit row keeps
    which warnings were confirmed, never the text."""
    require_member(actor, team)
    if not 1 <= number <= rules.INTERVIEWS:
        raise ValidationError(_("The team interviews five patients: number 1 to 5."))
    findings = privacy.findings("\n".join((works_well, works_badly, ideas)), today=today)
    if findings and not confirmed:
        raise IdentityWarningError(findings)
    kinds = sorted({finding.kind.value for finding in findings})
    with transaction.atomic():
        note = team.interviews.filter(number=number).first() or InterviewNote(
            team=team, number=number
        )
        note.interviewee, note.ideas = interviewee, ideas
        note.works_well, note.works_badly = works_well, works_badly
        note.confirmed_warnings, note.written_by = kinds, actor
        note.full_clean()
        note.save()
        audit_record(
            actor=actor,
            verb=AuditVerb.INTERVIEW_SAVED,
            target=note,
            data={"team": team.pk, "number": number, "warnings_confirmed": kinds},
        )
    return note


def interview_summary_save(*, team: Team, actor: User, summary: str) -> Team:
    require_member(actor, team)
    with transaction.atomic():
        team.interview_summary = summary
        team.save(update_fields=["interview_summary", "updated_at"])
    return team


def improvement_area_add(
    *, team: Team, actor: User, title: str, description: str = "", from_interviews: bool = True
) -> ImprovementArea:
    require_member(actor, team)
    with transaction.atomic():
        area = ImprovementArea(
            team=team,
            title=title,
            description=description,
            from_interviews=from_interviews,
            order=team.improvement_areas.count() + 1,
        )
        area.full_clean()
        area.save()
    return area


def improvement_area_remove(*, area: ImprovementArea, actor: User) -> None:
    require_member(actor, area.team)
    with transaction.atomic():
        area.delete()


def aim_create(
    *,
    team: Team,
    actor: User,
    statement: str,
    measure: Measure | None,
    available: Sequence[Measure],
    description: str = "",
    target_percent_or_value: float | None = None,
    target_date: date | None = None,
    balancing: Sequence[Measure] = (),
    process: Sequence[Measure] = (),
    today: date,
) -> Aim:
    """An aim with its outcome measure (and process and balancing measures) from the measures
    the team sees (``available``: computed from its pathways, or its own registered by hand).
    An aim needs a measure, a target value and a target date (``method.aim_problems``). For a
    share the target is given in per cent and kept as a fraction, as measures keep theirs."""
    require_member(actor, team)
    allowed = {m.pk for m in available}
    linked = [*balancing, *process, *([measure] if measure is not None else [])]
    if any(m.pk not in allowed for m in linked):
        raise ValidationError(_("Choose measures the team has."))
    problems = method.aim_problems(
        has_measure=measure is not None,
        target_value=target_percent_or_value,
        target_date=target_date,
        today=today,
    )
    if problems:
        raise ValidationError([_(problem.message) for problem in problems])
    assert measure is not None  # noqa: S101 - aim_problems requires it
    if any(m.pk == measure.pk for m in (*balancing, *process)):
        raise ValidationError(_("A balancing measure watches something else than the aim's own."))
    target = target_percent_or_value
    if target is not None and measure.is_proportion:
        if not 0 <= target <= 100:
            raise ValidationError(_("A target share is between 0 and 100 per cent."))
        target = target / 100
    same = team.aims.filter(
        statement=statement, aim_measures__measure=measure, aim_measures__role="outcome"
    ).first()
    if same is not None:  # the form sent twice: one aim
        return same
    with transaction.atomic():
        aim = Aim(
            team=team,
            statement=statement,
            description=description,
            target_value=target,
            target_date=target_date,
            created_by=actor,
        )
        aim.full_clean()
        aim.save()
        AimMeasure.objects.create(aim=aim, measure=measure, role=AimMeasure.Role.OUTCOME)
        for other in process:
            AimMeasure.objects.get_or_create(
                aim=aim, measure=other, defaults={"role": AimMeasure.Role.PROCESS}
            )
        for other in balancing:
            AimMeasure.objects.get_or_create(
                aim=aim, measure=other, defaults={"role": AimMeasure.Role.BALANCING}
            )
    return aim


def aim_status_set(*, aim: Aim, actor: User, status: str) -> Aim:
    require_member(actor, aim.team)
    if status not in Aim.Status.values:
        raise ValidationError(_("Unknown status."))
    with transaction.atomic():
        aim.status = status
        aim.save(update_fields=["status", "updated_at"])
    return aim
