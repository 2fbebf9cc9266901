"""The model for improvement: change ideas, PDSA cycles, driver diagrams, progress scores and the changes adopted for good."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Case, Count, Prefetch, Q, QuerySet, When
from django.http import Http404
from django.utils.translation import gettext

from forlop.core.models import User
from forlop.improvement import method
from forlop.improvement.models import (
    Aim,
    ChangeIdea,
    Driver,
    Network,
    PdsaCycle,
    ProgressScore,
    SpreadStep,
    Team,
)
from forlop.improvement.selectors.scopes import (
    chart_notes,
    team_scope,
)
from forlop.measures.compute import Scope
from forlop.measures.models import Measure, ScopeLevel
from forlop.measures.registry import ChartNote
from forlop.measures.selectors import (
    default_window,
)


def team_ideas(*, team: Team, user: User) -> QuerySet[ChangeIdea]:
    """The team's change ideas and time thieves with their votes and comments counted in the
    database, the most voted first among the open ones."""
    return (
        team.ideas.select_related("driver", "unit", "created_by")
        .annotate(
            vote_count=Count("votes", distinct=True),
            comment_count=Count("comments", distinct=True),
            my_vote=Count("votes", filter=Q(votes__user=user), distinct=True),
        )
        .order_by(
            Case(When(status__in=("open", "testing"), then=0), default=1),
            "-vote_count",
            "-created_at",
            "-pk",
        )
    )


def idea_get_for_team(*, team: Team, pk: int) -> ChangeIdea:
    idea = team.ideas.select_related("driver__aim", "unit").filter(pk=pk).first()
    if idea is None:
        raise Http404
    return idea


def team_cycles(team: Team) -> QuerySet[PdsaCycle]:
    return (
        team.cycles.select_related("idea", "owner", "unit", "template_version__template")
        .prefetch_related("measures")
        .order_by("-starts_on", "-pk")
    )


def cycle_get_for_team(*, team: Team, pk: int) -> PdsaCycle:
    cycle = team_cycles(team).filter(pk=pk).first()
    if cycle is None:
        raise Http404
    return cycle


def cycle_stage(cycle: PdsaCycle, *, today: date) -> method.Stage:
    return method.cycle_stage(
        starts_on=cycle.starts_on,
        done_text=cycle.done_text,
        study_text=cycle.study_text,
        decision=cycle.decision,
        today=today,
    )


def _cycles_in_scope(scope: Scope) -> Q:
    """Cycles whose team computes its measures in ``scope``, or tested in the scope's unit."""
    if scope.level == ScopeLevel.UNIT:
        return Q(team__unit_id__in=scope.ids) | Q(unit_id__in=scope.ids)
    if scope.level in (ScopeLevel.MUNICIPALITY, ScopeLevel.HOSPITAL):
        return Q(team__unit__isnull=True, team__organisation_id__in=scope.ids)
    return Q(pk__in=[])


def cycle_notes(*, measure: Measure, scope: Scope) -> list[ChartNote]:
    """The PDSA cycles that target the measure, as chart notes: one where a cycle starts and
    one where the team adopted the change."""
    notes: list[ChartNote] = []
    cycles = (
        PdsaCycle.objects.filter(_cycles_in_scope(scope), measures=measure)
        .select_related("idea")
        .order_by("starts_on", "pk")
    )
    for cycle in cycles:
        notes.append(ChartNote(date=cycle.starts_on, text=f"PDSA: {cycle.title}"))
        if cycle.decision == PdsaCycle.Decision.ADOPT and cycle.decided_on is not None:
            notes.append(
                ChartNote(
                    date=cycle.decided_on,
                    text=gettext("Adopted: %(title)s") % {"title": cycle.idea.title},
                )
            )
    return notes


def chart_notes_with_cycles(*, measure: Measure, scope: Scope) -> list[ChartNote]:
    notes = [*chart_notes(measure=measure, scope=scope), *cycle_notes(measure=measure, scope=scope)]
    return sorted(notes, key=lambda note: note.date)


@dataclass(frozen=True, slots=True)
class DiagramDriver:
    driver: Driver
    children: list[DiagramDriver]
    ideas: list[ChangeIdea]


@dataclass(frozen=True, slots=True)
class Diagram:
    aim: Aim
    drivers: list[DiagramDriver]

    @property
    def idea_count(self) -> int:
        return sum(len(d.ideas) + sum(len(c.ideas) for c in d.children) for d in self.drivers)


def driver_diagram(aim: Aim) -> Diagram:
    """The aim's driver diagram: primary drivers, their secondary drivers, and the change
    ideas under each (two queries)."""
    drivers = list(aim.drivers.select_related("measure").order_by("order", "pk"))
    ideas = list(ChangeIdea.objects.filter(driver__aim=aim).order_by("created_at", "pk"))
    by_driver: dict[int, list[ChangeIdea]] = {}
    for idea in ideas:
        by_driver.setdefault(idea.driver_id or 0, []).append(idea)
    children: dict[int, list[Driver]] = {}
    for driver in drivers:
        if driver.parent_id is not None:
            children.setdefault(driver.parent_id, []).append(driver)
    return Diagram(
        aim=aim,
        drivers=[
            DiagramDriver(
                driver=primary,
                children=[
                    DiagramDriver(child, [], by_driver.get(child.pk, []))
                    for child in children.get(primary.pk, [])
                ],
                ideas=by_driver.get(primary.pk, []),
            )
            for primary in drivers
            if primary.parent_id is None
        ],
    )


def aim_get_for_team(*, team: Team, pk: int) -> Aim:
    aim = team.aims.prefetch_related("aim_measures__measure").filter(pk=pk).first()
    if aim is None:
        raise Http404
    return aim


def progress_history(network: Network) -> list[tuple[Team, list[ProgressScore]]]:
    """Every active team of the network with its progress scores in order (two queries)."""
    teams = (
        network.teams.filter(withdrawn_on__isnull=True)
        .prefetch_related(
            Prefetch(
                "progress_scores",
                queryset=ProgressScore.objects.select_related("reviewed_by").order_by(
                    "set_on", "pk"
                ),
            )
        )
        .order_by("name")
    )
    return [(team, list(team.progress_scores.all())) for team in teams]


@dataclass(frozen=True, slots=True)
class AdoptedChange:
    idea: ChangeIdea
    measure: Measure | None
    checks: list[method.SustainabilityCheck]
    now: method.SustainabilityCheck | None
    steps: list[SpreadStep]


def adopted_changes(team: Team, *, today: date, as_of: datetime) -> list[AdoptedChange]:
    """The team's adopted changes with their spread plans and the sustainability checks at 6
    and 12 months, answered by the run chart of the first measure the change's cycles target
    (else the outcome measure of its aim)."""
    from forlop.measures.compute import period_floor
    from forlop.measures.selectors import measure_series

    ideas = (
        team.ideas.filter(status=ChangeIdea.Status.ADOPTED)
        .select_related("driver__aim")
        .prefetch_related(
            Prefetch("spread_steps", queryset=SpreadStep.objects.select_related("unit")),
            Prefetch("cycles", queryset=PdsaCycle.objects.prefetch_related("measures")),
        )
        .order_by("-adopted_on", "-pk")
    )
    scope = team_scope(team)
    rows: list[AdoptedChange] = []
    for idea in ideas:
        measure = next((m for cycle in idea.cycles.all() for m in cycle.measures.all()), None)
        if measure is None and idea.driver is not None:
            link = idea.driver.aim.aim_measures.filter(role="outcome").first()
            measure = link.measure if link else None
        checks: list[method.SustainabilityCheck] = []
        current = None
        if measure is not None and idea.adopted_on is not None:
            adopted = period_floor(idea.adopted_on, measure.period)
            last_check = method.add_months(idea.adopted_on, max(method.SUSTAINABILITY_MONTHS))
            first = method.add_months(adopted, -method.BASELINE_PERIODS)
            last = min(
                period_floor(last_check, measure.period),
                default_window(today=today, period=measure.period)[1],
            )
            if last < first:
                last = first
            series = measure_series(
                measure, scope=scope, first=first, last=last, as_of=as_of, notes=()
            )
            points = [(p.period_start, p.value) for p in series.points]
            higher = measure.direction == "up"
            checks = [
                method.sustainability_check(
                    points=points,
                    adopted_on=adopted,
                    months=months,
                    today=today,
                    higher_is_better=higher,
                )
                for months in method.SUSTAINABILITY_MONTHS
            ]
            current = method.shift_back_now(
                points=points, adopted_on=adopted, today=today, higher_is_better=higher
            )
        rows.append(AdoptedChange(idea, measure, checks, current, list(idea.spread_steps.all())))
    return rows


def board_ideas(unit_id: int) -> QuerySet[ChangeIdea]:
    """A unit's open change ideas for its huddle board: from the unit, or of a team of the
    unit, most voted first."""
    return (
        ChangeIdea.objects.filter(
            Q(unit_id=unit_id) | Q(unit__isnull=True, team__unit_id=unit_id),
            status__in=(ChangeIdea.Status.OPEN, ChangeIdea.Status.TESTING),
            team__withdrawn_on__isnull=True,
        )
        .annotate(vote_count=Count("votes", distinct=True))
        .order_by("-vote_count", "-created_at", "-pk")
    )
