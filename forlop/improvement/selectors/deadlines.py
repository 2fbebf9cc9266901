"""Gatherings and the deadlines derived from them (tasks, status reports), the calendar and the coordinator's overview. Nothing stores "late": it is derived from the dates and ``today`` through ``rules``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from forlop.core.models import User
from forlop.improvement import access, rules
from forlop.improvement.models import (
    Gathering,
    GuidanceInvitation,
    Network,
    Poster,
    StatusReport,
    Team,
)


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
