"""Writes of the model for improvement: driver diagrams, change ideas and time thieves (votes,
comments, turning one into a PDSA cycle), and PDSA cycles and their ramps (the progress score,
the communication and spread plans and the huddle board's setting are in ``plans.py``).

Every service checks the actor's role on the team (``access.require_*``), validates with the
pure rules in ``improvement/method.py`` (every problem at once, in Norwegian), and saves in
one transaction. None of these rows holds patient data, so none writes an audit row, except
the board setting, which decides how much patient data a wall screen shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from forlop.core.models import Unit, User
from forlop.improvement import method
from forlop.improvement.access import require_member
from forlop.improvement.models import (
    Aim,
    ChangeIdea,
    Driver,
    IdeaComment,
    IdeaVote,
    PdsaCycle,
    Team,
    TeamMember,
)
from forlop.measures.models import Measure
from forlop.pathways.models import TemplateVersion

#: A cycle made in one step from an idea runs for two weeks unless the team says otherwise.
DEFAULT_CYCLE_DAYS = 14


def raise_problems(problems: Sequence[method.Problem]) -> None:
    if problems:
        raise ValidationError([_(problem.message) for problem in problems])


def unit_of_team_check(team: Team, unit: Unit | None) -> None:
    if unit is not None and unit.organisation_id != team.organisation_id:
        raise ValidationError(_("Choose a unit of the team's own organisation."))


# --------------------------------------------------------------------------------------------
# Driver diagrams
# --------------------------------------------------------------------------------------------


def driver_add(
    *,
    aim: Aim,
    actor: User,
    text: str,
    parent: Driver | None = None,
    measure: Measure | None = None,
) -> Driver:
    """A primary driver (no ``parent``) or a secondary driver under a primary one."""
    require_member(actor, aim.team)
    if parent is not None and (parent.aim_id != aim.pk or not parent.is_primary):
        raise ValidationError(_("A secondary driver goes under a primary driver of the same aim."))
    if not text.strip():
        raise ValidationError(_("Write the driver in a few words."))
    same = Driver.objects.filter(aim=aim, parent=parent, text__iexact=text.strip()).first()
    if same is not None:  # the form sent twice: the driver is there already
        return same
    with transaction.atomic():
        siblings = Driver.objects.filter(aim=aim, parent=parent).count()
        driver = Driver(aim=aim, parent=parent, text=text.strip(), measure=measure, order=siblings)
        driver.full_clean()
        driver.save()
    return driver


def driver_update(*, driver: Driver, actor: User, text: str, measure: Measure | None) -> Driver:
    require_member(actor, driver.aim.team)
    if not text.strip():
        raise ValidationError(_("Write the driver in a few words."))
    with transaction.atomic():
        driver.text, driver.measure = text.strip(), measure
        driver.full_clean()
        driver.save(update_fields=["text", "measure", "updated_at"])
    return driver


def driver_remove(*, driver: Driver, actor: User) -> None:
    """Remove a driver (and its secondary drivers); its change ideas stay on the team's list."""
    require_member(actor, driver.aim.team)
    with transaction.atomic():
        driver.delete()


# --------------------------------------------------------------------------------------------
# Change ideas and time thieves
# --------------------------------------------------------------------------------------------


def idea_create(
    *,
    team: Team,
    actor: User,
    title: str,
    description: str = "",
    kind: str = ChangeIdea.Kind.IDEA,
    driver: Driver | None = None,
    unit: Unit | None = None,
) -> ChangeIdea:
    require_member(actor, team)
    raise_problems(method.idea_problems(title=title, description=description))
    if driver is not None and driver.aim.team_id != team.pk:
        raise ValidationError(_("Choose a driver of the team's own aims."))
    unit_of_team_check(team, unit)
    same = (
        team.ideas.filter(
            title__iexact=title.strip(),
            status__in=(ChangeIdea.Status.OPEN, ChangeIdea.Status.TESTING),
        )
        .order_by("pk")
        .first()
    )
    if same is not None:  # sent twice, or written down again: one idea on the list
        return same
    with transaction.atomic():
        idea = ChangeIdea(
            team=team,
            kind=kind,
            title=title.strip(),
            description=description.strip(),
            driver=driver,
            unit=unit,
            created_by=actor,
        )
        idea.full_clean()
        idea.save()
    return idea


def idea_place(*, idea: ChangeIdea, actor: User, driver: Driver | None) -> ChangeIdea:
    """Put an idea under a driver of the diagram (or take it out with ``None``)."""
    require_member(actor, idea.team)
    if driver is not None and driver.aim.team_id != idea.team_id:
        raise ValidationError(_("Choose a driver of the team's own aims."))
    with transaction.atomic():
        idea.driver = driver
        idea.save(update_fields=["driver", "updated_at"])
    return idea


def idea_vote_toggle(*, idea: ChangeIdea, actor: User) -> bool:
    """Vote for the idea, or take the vote back; True when the actor now votes for it."""
    require_member(actor, idea.team)
    with transaction.atomic():
        deleted, _rows = IdeaVote.objects.filter(idea=idea, user=actor).delete()
        if deleted:
            return False
        IdeaVote.objects.create(idea=idea, user=actor)
    return True


def idea_vote_set(*, idea: ChangeIdea, actor: User, vote: bool) -> bool:
    """Vote for the idea (``vote``) or take the vote back; the same again changes nothing, so
    a button pressed twice leaves one vote."""
    require_member(actor, idea.team)
    with transaction.atomic():
        if vote:
            IdeaVote.objects.get_or_create(idea=idea, user=actor)
        else:
            IdeaVote.objects.filter(idea=idea, user=actor).delete()
    return vote


def idea_comment_add(*, idea: ChangeIdea, actor: User, text: str) -> IdeaComment:
    require_member(actor, idea.team)
    if not text.strip():
        raise ValidationError(_("Write a comment first."))
    if len(text) > method.COMMENT_MAX:
        raise ValidationError(_("A comment can be at most 1000 characters."))
    last = idea.comments.order_by("-pk").first()
    if last is not None and last.author_id == actor.pk and last.text == text.strip():
        return last  # the form sent twice
    with transaction.atomic():
        comment = IdeaComment(idea=idea, author=actor, text=text.strip())
        comment.full_clean()
        comment.save()
    return comment


def idea_quality_system_set(*, idea: ChangeIdea, actor: User, where: str) -> ChangeIdea:
    require_member(actor, idea.team)
    if len(where) > 300:
        raise ValidationError(_("At most 300 characters."))
    with transaction.atomic():
        idea.quality_system = where.strip()
        idea.save(update_fields=["quality_system", "updated_at"])
    return idea


def _idea_measures(idea: ChangeIdea) -> list[Measure]:
    """The measures a cycle on the idea targets by default: the aim's under its driver, else
    the outcome and process measures of the team's active aims."""
    aims = (
        [idea.driver.aim]
        if idea.driver is not None
        else list(idea.team.aims.filter(status=Aim.Status.ACTIVE))
    )
    found: dict[int, Measure] = {}
    for aim in aims:
        for link in aim.aim_measures.select_related("measure").exclude(role="balancing"):
            found.setdefault(link.measure.pk, link.measure)
    return list(found.values())


def idea_to_cycle(*, idea: ChangeIdea, actor: User, today: date) -> PdsaCycle:
    """Turn an idea into a PDSA cycle in one step: a plan with the idea's words, starting
    today for two weeks, aimed at the measures of its aim. The team then writes the prediction
    and the plan's details on the cycle."""
    require_member(actor, idea.team)
    if not idea.is_open:
        raise ValidationError(_("The idea is already adopted or abandoned."))
    under_way = idea.cycles.filter(decision="").order_by("-starts_on", "-pk").first()
    if under_way is not None:  # one step leads to the cycle under way, pressed twice or not
        return under_way
    owner = idea.team.members.filter(user=actor, active=True).first()
    return cycle_create(
        team=idea.team,
        actor=actor,
        idea=idea,
        title=idea.title,
        plan=idea.description,
        prediction="",
        starts_on=today,
        ends_on=today + timedelta(days=DEFAULT_CYCLE_DAYS),
        owner=owner,
        unit=idea.unit,
        measures=_idea_measures(idea),
        today=today,
    )


# --------------------------------------------------------------------------------------------
# PDSA cycles
# --------------------------------------------------------------------------------------------


def _check_cycle_links(
    team: Team,
    *,
    owner: TeamMember | None,
    unit: Unit | None,
    measures: Sequence[Measure],
    available: Sequence[Measure] | None,
) -> None:
    if owner is not None and owner.team_id != team.pk:
        raise ValidationError(_("The owner is a member of the team."))
    unit_of_team_check(team, unit)
    if available is not None:
        allowed = {m.pk for m in available}
        if any(m.pk not in allowed for m in measures):
            raise ValidationError(_("Choose measures the team has."))


def cycle_create(
    *,
    team: Team,
    actor: User,
    idea: ChangeIdea,
    title: str,
    prediction: str,
    starts_on: date | None,
    ends_on: date | None,
    today: date,
    plan: str = "",
    owner: TeamMember | None = None,
    unit: Unit | None = None,
    measures: Sequence[Measure] = (),
    available: Sequence[Measure] | None = None,
    previous: PdsaCycle | None = None,
    template_version: TemplateVersion | None = None,
) -> PdsaCycle:
    require_member(actor, team)
    if idea.team_id != team.pk or (previous is not None and previous.idea_id != idea.pk):
        raise ValidationError(_("A ramp of cycles tests one change idea of the team."))
    raise_problems(method.cycle_date_problems(starts_on=starts_on, ends_on=ends_on))
    if not title.strip():
        raise ValidationError(_("Say what the cycle tests."))
    _check_cycle_links(team, owner=owner, unit=unit, measures=measures, available=available)
    assert starts_on is not None  # noqa: S101 - checked above
    assert ends_on is not None  # noqa: S101 - checked above
    with transaction.atomic():
        cycle = PdsaCycle(
            team=team,
            idea=idea,
            previous=previous,
            title=title.strip()[:200],
            plan=plan,
            prediction=prediction,
            starts_on=starts_on,
            ends_on=ends_on,
            owner=owner,
            unit=unit,
            template_version=template_version,
            created_by=actor,
        )
        cycle.full_clean()
        cycle.save()
        cycle.measures.set(measures)
        if idea.status == ChangeIdea.Status.OPEN:
            idea.status = ChangeIdea.Status.TESTING
            idea.save(update_fields=["status", "updated_at"])
    return cycle


def cycle_update(
    *,
    cycle: PdsaCycle,
    actor: User,
    today: date,
    title: str,
    plan: str,
    prediction: str,
    starts_on: date | None,
    ends_on: date | None,
    done_text: str,
    study_text: str,
    decision: str,
    act_text: str,
    decided_on: date | None,
    owner: TeamMember | None,
    unit: Unit | None,
    measures: Sequence[Measure],
    available: Sequence[Measure] | None = None,
    template_version: TemplateVersion | None = None,
) -> PdsaCycle:
    """Save the cycle's plan, do, study and act. Deciding carries the idea along: adopt →
    the idea is adopted (on the decision day), abandon → abandoned when no other cycle of it
    is still open, adapt → it stays under test and the next cycle of the ramp follows."""
    require_member(actor, cycle.team)
    if cycle.decision and decision != cycle.decision:
        raise ValidationError(_("The cycle is decided; start the next cycle of the ramp instead."))
    if decision and decided_on is None:
        decided_on = today
    raise_problems(
        method.cycle_problems(
            prediction=prediction,
            starts_on=starts_on,
            ends_on=ends_on,
            done_text=done_text,
            study_text=study_text,
            decision=decision,
            decided_on=decided_on,
            today=today,
        )
    )
    if not title.strip():
        raise ValidationError(_("Say what the cycle tests."))
    _check_cycle_links(cycle.team, owner=owner, unit=unit, measures=measures, available=available)
    assert starts_on is not None  # noqa: S101 - checked above
    assert ends_on is not None  # noqa: S101 - checked above
    with transaction.atomic():
        newly_decided = bool(decision) and not cycle.decision
        cycle.title, cycle.plan, cycle.prediction = title.strip()[:200], plan, prediction
        cycle.starts_on, cycle.ends_on = starts_on, ends_on
        cycle.done_text, cycle.study_text, cycle.act_text = done_text, study_text, act_text
        cycle.decision = decision
        cycle.decided_on = decided_on if decision else None
        cycle.owner, cycle.unit, cycle.template_version = owner, unit, template_version
        cycle.full_clean()
        cycle.save()
        cycle.measures.set(measures)
        if newly_decided:
            _carry_decision(cycle)
    return cycle


def _carry_decision(cycle: PdsaCycle) -> None:
    idea = cycle.idea
    if cycle.decision == PdsaCycle.Decision.ADOPT:
        idea.status, idea.adopted_on = ChangeIdea.Status.ADOPTED, cycle.decided_on
    elif cycle.decision == PdsaCycle.Decision.ABANDON:
        still_open = idea.cycles.exclude(pk=cycle.pk).filter(decision="").exists()
        if not still_open:
            idea.status = ChangeIdea.Status.ABANDONED
    else:
        idea.status = ChangeIdea.Status.TESTING
    idea.save(update_fields=["status", "adopted_on", "updated_at"])


def cycle_next(*, cycle: PdsaCycle, actor: User, today: date) -> PdsaCycle:
    """The next cycle of the ramp, after an "adapt": the same idea, measures, owner and unit,
    starting today."""
    require_member(actor, cycle.team)
    if cycle.decision != PdsaCycle.Decision.ADAPT:
        raise ValidationError(_("A ramp goes on after a cycle the team decided to adapt."))
    following = PdsaCycle.objects.filter(previous=cycle).order_by("pk").first()
    if following is not None:  # the ramp's next cycle exists already (sent twice)
        return following
    number = cycle.idea.cycles.count() + 1
    return cycle_create(
        team=cycle.team,
        actor=actor,
        idea=cycle.idea,
        title=_("%(title)s (cycle %(number)d)") % {"title": cycle.idea.title, "number": number},
        plan=cycle.act_text,
        prediction="",
        starts_on=today,
        ends_on=today + timedelta(days=DEFAULT_CYCLE_DAYS),
        owner=cycle.owner,
        unit=cycle.unit,
        measures=list(cycle.measures.all()),
        previous=cycle,
        today=today,
    )
