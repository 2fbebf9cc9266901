"""Reads for the improvement app: networks and teams a user may open, the derived deadlines
(tasks, status reports), the coordinator's overview and the measure scopes.

Deadlines are derived here from the gathering dates and ``today`` through ``rules``; nothing
stores "late". No selector returns patient data: the coordinator's pages read aggregates,
summaries and the team's own texts, never the raw interview notes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Case, Count, Prefetch, Q, QuerySet, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext

from forlop.core.models import User
from forlop.improvement import access, method, rules
from forlop.improvement.access import TeamRole
from forlop.improvement.models import (
    Aim,
    Annotation,
    ChangeIdea,
    Driver,
    Gathering,
    GuidanceInvitation,
    Network,
    PdsaCycle,
    Poster,
    ProgressScore,
    SpreadStep,
    StatusReport,
    Team,
)
from forlop.measures.compute import Scope
from forlop.measures.models import Measure, ScopeLevel
from forlop.measures.registry import ChartNote
from forlop.measures.selectors import (
    default_window,
    measures_for_scope,
    scope_for_organisation,
    scope_for_unit,
)

# --------------------------------------------------------------------------------------------
# Measure scopes and chart notes
# --------------------------------------------------------------------------------------------


def scope_for_network(network: Network) -> Scope:
    """The network's aggregate over its member organisations, as plain data for measures."""
    ids = tuple(sorted(org.pk for org in network.members.all()))
    return Scope(
        level=ScopeLevel.NETWORK,
        code=network.code,
        name=network.name,
        ids=ids,
        across_organisations=True,
    )


def team_scope(team: Team) -> Scope:
    """Where the team's measures are computed: its city district or hospital, else the whole
    organisation."""
    if team.unit is not None:
        return scope_for_unit(team.unit)
    return scope_for_organisation(team.organisation)


def team_measures(team: Team) -> list[Measure]:
    return list(measures_for_scope(scope=team_scope(team)))


def networks_coordinated_by(*, user: User) -> QuerySet[Network]:
    return access.coordinated_networks(user)


def annotations_for(*, measure: Measure, scope: Scope) -> QuerySet[Annotation]:
    return Annotation.objects.filter(
        measure=measure, level=scope.level, scope_code=scope.code
    ).order_by("date", "pk")


def chart_notes(*, measure: Measure, scope: Scope) -> list[ChartNote]:
    return [
        ChartNote(date=a.date, text=a.text, part_ends_here=a.part_ends_here)
        for a in annotations_for(measure=measure, scope=scope)
    ]


# --------------------------------------------------------------------------------------------
# Access
# --------------------------------------------------------------------------------------------


def network_get_for_coordinator(*, user: User, code: str) -> Network:
    network = (
        access.coordinated_networks(user)
        .select_related("coordinator", "hospital_trust")
        .filter(code=code)
        .first()
    )
    if network is None:
        raise Http404
    return network


def team_get_for_user(*, user: User, pk: int, allow_leader: bool = False) -> tuple[Team, TeamRole]:
    """The team and the user's role on it; leaders only where ``allow_leader`` (the pages
    of aims, charts and PDSA cycles they follow up)."""
    team = Team.objects.select_related("network", "organisation", "unit").filter(pk=pk).first()
    role = access.team_role(user, team) if team is not None else None
    if team is None or role is None or (role == TeamRole.LEADER and not allow_leader):
        raise Http404
    return team, role


def teams_for_member(*, user: User) -> QuerySet[Team]:
    return (
        access.member_teams(user)
        .select_related("network", "organisation")
        .order_by("network__name", "name")
    )


def gathering_get_for_user(*, user: User, pk: int) -> tuple[Gathering, TeamRole, Team | None]:
    """A network gathering for its coordinators, or for a member of one of its teams (with
    that team). A national event (no network) for an administrator and for the coordinators
    and members of the networks whose calendar shows it (``national_event_networks``); the
    role then says whose page it is, but only an administrator changes a national event."""
    gathering = Gathering.objects.select_related("network").filter(pk=pk).first()
    if gathering is None:
        raise Http404
    if gathering.network is None:
        networks = national_event_networks(gathering)
        if user.is_superuser or access.coordinated_networks(user).filter(pk__in=networks).exists():
            return gathering, TeamRole.COORDINATOR, None
        team = access.member_teams(user).filter(network__in=networks).first()
        if team is None:
            raise Http404
        return gathering, TeamRole.MEMBER, team
    if access.is_coordinator(user, gathering.network):
        return gathering, TeamRole.COORDINATOR, None
    team = access.member_teams(user).filter(network=gathering.network).first()
    if team is None:
        raise Http404
    return gathering, TeamRole.MEMBER, team


def national_event_networks(gathering: Gathering) -> QuerySet[Network]:
    """The networks whose calendar shows a national event (see ``network_calendar``)."""
    day = gathering.starts_on
    back = rules.add_months(day, -(rules.EXPERIENCE_GATHERING_MONTHS_AFTER_LAST + 1))
    return Network.objects.filter(starts_on__lte=day, ends_on__gte=back)


def may_change_gathering(user: User, gathering: Gathering) -> bool:
    if gathering.network is None:
        return bool(user.is_superuser)
    return access.is_coordinator(user, gathering.network)


# --------------------------------------------------------------------------------------------
# Gatherings and deadlines
# --------------------------------------------------------------------------------------------


def gathering_dates(network: Network) -> dict[int, date]:
    rows = network.gatherings.filter(kind=Gathering.Kind.GATHERING).values_list(
        "number", "starts_on"
    )
    return {number: day for number, day in rows if number is not None}


def network_calendar(network: Network) -> list[Gathering]:
    """The network's gatherings and the national events in its period (and the year after)."""
    return list(
        _calendar(Network.objects.filter(pk=network.pk))
        .select_related("network")
        .order_by("starts_on", "pk")
    )


def _calendar(networks: QuerySet[Network]) -> QuerySet[Gathering]:
    """The gatherings of ``networks`` and the national events their calendars show: from a
    network's start to the year (and a month) after its end, when the experience gathering
    has taken place."""
    months = rules.EXPERIENCE_GATHERING_MONTHS_AFTER_LAST + 1
    national = Q()
    for starts, ends in networks.values_list("starts_on", "ends_on"):
        national |= Q(starts_on__gte=starts, starts_on__lte=rules.add_months(ends, months))
    query = Q(network__in=networks)
    if national:
        query |= Q(network__isnull=True) & national
    return Gathering.objects.filter(query)


def calendar_for_user(*, user: User, since: date) -> list[Gathering]:
    """Every gathering and event the user's networks (coordinated, or through a team) show,
    from ``since`` on, once each; an administrator sees every national event as well."""
    networks = Network.objects.filter(
        Q(pk__in=access.coordinated_networks(user))
        | Q(pk__in=access.member_teams(user).values("network"))
    )
    events = _calendar(networks)
    if user.is_superuser:
        events = Gathering.objects.filter(Q(pk__in=events) | Q(network__isnull=True))
    return list(
        events.filter(Q(starts_on__gte=since) | Q(ends_on__gte=since))
        .select_related("network")
        .order_by("starts_on", "pk")
    )


@dataclass(frozen=True, slots=True)
class TaskRow:
    task: rules.TaskDefinition
    due: date | None
    done_on: date | None
    status: rules.Status
    note: str = ""

    @property
    def late(self) -> bool:
        return rules.is_late(self.status)


@dataclass(frozen=True, slots=True)
class ReportRow:
    team: Team
    gathering: Gathering
    due: date
    report: StatusReport | None
    status: rules.Status

    @property
    def late(self) -> bool:
        return rules.is_late(self.status)

    @property
    def submitted_on(self) -> date | None:
        return _submitted_on(self.report)


@dataclass(frozen=True, slots=True)
class TeamDeadlines:
    team: Team
    phase: rules.Phase
    tasks: Mapping[rules.Phase, list[TaskRow]]
    reports: list[ReportRow]
    posters: dict[int, Poster] = field(default_factory=dict)
    interviews: int = 0

    @property
    def current_tasks(self) -> list[TaskRow]:
        return list(self.tasks.get(self.phase, []))

    @property
    def overdue(self) -> int:
        return sum(1 for rows in self.tasks.values() for row in rows if row.status == "overdue")

    @property
    def done(self) -> int:
        return sum(1 for rows in self.tasks.values() for row in rows if row.done_on is not None)

    @property
    def next_deadline(self) -> TaskRow | None:
        open_rows = [
            row
            for rows in self.tasks.values()
            for row in rows
            if row.done_on is None and row.due is not None
        ]
        return min(open_rows, key=lambda row: row.due or date.max) if open_rows else None


def _submitted_on(report: StatusReport | None) -> date | None:
    if report is None or report.submitted_at is None:
        return None
    return timezone.localtime(report.submitted_at).date()


def _deadlines(
    team: Team,
    *,
    today: date,
    gatherings: list[Gathering],
    completions: Mapping[str, tuple[date, str]],
    reports: Mapping[int, StatusReport],
    interviews_done_on: date | None,
    aims_done_on: date | None,
    posters: dict[int, Poster],
    interviews: int,
) -> TeamDeadlines:
    dates = {g.number: g.starts_on for g in gatherings if g.number is not None}
    by_number = {g.number: g for g in gatherings if g.number is not None}
    tasks: dict[rules.Phase, list[TaskRow]] = {}
    for task in rules.PHASE_TASKS:
        due = rules.task_due(task, dates)
        note = ""
        if task.derived == rules.Derived.STATUS_REPORT:
            number = rules.PHASE_ENDS_WITH[task.phase]
            gathering = by_number.get(number) if number else None
            done_on = _submitted_on(reports.get(gathering.pk)) if gathering else None
        elif task.derived == rules.Derived.INTERVIEWS:
            done_on = interviews_done_on
        elif task.derived == rules.Derived.AIMS:
            done_on = aims_done_on
        else:
            done_on, note = completions.get(task.code, (None, ""))
        status = rules.deadline_status(due=due, done_on=done_on, today=today)
        tasks.setdefault(task.phase, []).append(TaskRow(task, due, done_on, status, note))
    report_rows = []
    for gathering in sorted(by_number.values(), key=lambda g: g.number or 0):
        due = rules.status_report_due(gathering.starts_on)
        report = reports.get(gathering.pk)
        status = rules.deadline_status(due=due, done_on=_submitted_on(report), today=today)
        report_rows.append(ReportRow(team, gathering, due, report, status))
    return TeamDeadlines(
        team=team,
        phase=rules.phase_on(today, dates),
        tasks=tasks,
        reports=report_rows,
        posters=posters,
        interviews=interviews,
    )


def network_gatherings(network: Network) -> list[Gathering]:
    return list(network.gatherings.filter(kind=Gathering.Kind.GATHERING).order_by("number"))


def team_deadlines(team: Team, *, today: date) -> TeamDeadlines:
    """The team's tasks per phase and its status reports, each with a derived due date and
    status as of ``today``."""
    (row,) = network_overview(team.network, today=today, teams=Team.objects.filter(pk=team.pk))
    return row


def network_overview(
    network: Network, *, today: date, teams: QuerySet[Team] | None = None
) -> list[TeamDeadlines]:
    """Every team of the network with its deadlines, reports and posters (a fixed number of
    queries, whatever the number of teams)."""
    gatherings = network_gatherings(network)
    queryset = (teams if teams is not None else network.teams.all()).filter(network=network)
    queryset = (
        queryset.select_related("organisation", "network")
        .annotate(interview_count=Count("interviews", distinct=True))
        .prefetch_related(
            "task_completions",
            Prefetch(
                "status_reports",
                queryset=StatusReport.objects.filter(gathering__in=gatherings),
            ),
            Prefetch("posters", queryset=Poster.objects.filter(gathering__in=gatherings)),
            "interviews",
            "aims",
        )
        .order_by("withdrawn_on", "name")
    )
    rows: list[TeamDeadlines] = []
    for team in queryset:
        notes = list(team.interviews.all())
        done_on = (
            max(timezone.localtime(note.created_at).date() for note in notes)
            if len(notes) >= rules.INTERVIEWS
            else None
        )
        aims = [timezone.localtime(aim.created_at).date() for aim in team.aims.all()]
        gathering_number = {g.pk: g.number for g in gatherings}
        rows.append(
            _deadlines(
                team,
                today=today,
                gatherings=gatherings,
                completions={c.task_code: (c.done_on, c.note) for c in team.task_completions.all()},
                reports={r.gathering_id: r for r in team.status_reports.all()},
                interviews_done_on=done_on,
                aims_done_on=min(aims) if aims else None,
                posters={gathering_number[p.gathering_id] or 0: p for p in team.posters.all()},
                interviews=team.interview_count,
            )
        )
    return rows


def team_guidance(team: Team) -> QuerySet[GuidanceInvitation]:
    return (
        GuidanceInvitation.objects.filter(team=team)
        .select_related("session", "session__guide")
        .prefetch_related("participants")
        .order_by("session__starts_at")
    )


def reports_for_gathering(gathering: Gathering, *, today: date) -> list[ReportRow]:
    """Each team's status report for the gathering (late shown as late)."""
    assert gathering.network is not None  # noqa: S101 - network gatherings only
    rows: list[ReportRow] = []
    for deadlines in network_overview(gathering.network, today=today):
        rows.extend(row for row in deadlines.reports if row.gathering.pk == gathering.pk)
    return rows


# --------------------------------------------------------------------------------------------
# The model for improvement: ideas, cycles, diagrams, scores, sustainability
# --------------------------------------------------------------------------------------------


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
