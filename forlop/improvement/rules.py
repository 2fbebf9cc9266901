"""The learning network's rules, pure: phases, the schedule, each phase's tasks and their due
dates, lateness of tasks and status reports, guidance timing and who is invited.

No ORM, no request, no clock: "today" is always an argument. Due dates are derived from the
gathering dates every time they are read, so moving a gathering moves them.

Sources: the KS/FHI compendium for improvement teams (2021) and the programme's annual report
2022. What they leave open is marked *assumed* and kept in one place here:

* the phases: preparation (about three months before gathering 1), four gatherings at about
  0, 3, 9 and 18 months, continuation after gathering 4;
* the status report is due one week before each gathering (stated); the preparation's work
  plan and reflections are sent "by a given deadline" (assumed: the same week before
  gathering 1);
* guidance 4-6 weeks after gathering 1 and midway between gatherings 2 and 3 (stated);
* leaders are invited to gatherings 1 and 3, top leaders (kommunalsjef, klinikksjef) to 3;
* the regional experience gathering is about a year after gathering 4 (stated);
* how long before its gathering each task falls due (assumed; ``TaskDefinition.days_before``);
* "Hva er viktig for deg?"-dagen is marked in June every year (stated); which day is
  *assumed*: the first Thursday from 6 June on (the international day is 6 June; in 2022 Norway
  marked it on Thursday 9 June). The national experience conference is yearly, in Oslo or
  online (stated), on no stated date: it is planned by hand.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from itertools import pairwise

from django.utils.translation import gettext_noop

GATHERINGS = 4
STATUS_REPORT_DAYS_BEFORE = 7
PREPARATION_MONTHS = 3
#: Months from gathering 1 to each gathering (gatherings 1 to 4).
GATHERING_MONTHS = (0, 3, 9, 18)
EXPERIENCE_GATHERING_MONTHS_AFTER_LAST = 12
GUIDANCE_AFTER_FIRST = (timedelta(weeks=4), timedelta(weeks=6))
#: A task or report due within this many days is "due soon".
DUE_SOON_DAYS = 14
INTERVIEWS = 5


class Phase(StrEnum):
    PREPARATION = "preparation"
    AFTER_1 = "after_1"  # between gatherings 1 and 2
    AFTER_2 = "after_2"
    AFTER_3 = "after_3"
    CONTINUATION = "continuation"


#: The gathering that ends each phase (continuation has none).
PHASE_ENDS_WITH: Mapping[Phase, int | None] = {
    Phase.PREPARATION: 1,
    Phase.AFTER_1: 2,
    Phase.AFTER_2: 3,
    Phase.AFTER_3: 4,
    Phase.CONTINUATION: None,
}
PHASE_AFTER_GATHERING: Mapping[int, Phase] = {
    1: Phase.AFTER_1,
    2: Phase.AFTER_2,
    3: Phase.AFTER_3,
    4: Phase.CONTINUATION,
}


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day where it is shorter)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass(frozen=True, slots=True)
class Schedule:
    preparation_starts: date
    gatherings: tuple[date, date, date, date]
    experience_gathering: date
    guidance_after_first: tuple[date, date]
    guidance_midway: date

    @property
    def ends(self) -> date:
        return self.gatherings[-1]


def suggested_schedule(first_gathering: date) -> Schedule:
    """The programme's rhythm from the date of gathering 1."""
    g = tuple(add_months(first_gathering, months) for months in GATHERING_MONTHS)
    gatherings = (g[0], g[1], g[2], g[3])
    return Schedule(
        preparation_starts=add_months(first_gathering, -PREPARATION_MONTHS),
        gatherings=gatherings,
        experience_gathering=experience_gathering_date(gatherings[3]),
        guidance_after_first=guidance_window_after_first(gatherings[0]),
        guidance_midway=guidance_midway(gatherings[1], gatherings[2]),
    )


def phase_on(today: date, gatherings: Mapping[int, date]) -> Phase:
    """The phase a team is in on ``today``: a gathering day starts the phase after it."""
    phase = Phase.PREPARATION
    for number in range(1, GATHERINGS + 1):
        day = gatherings.get(number)
        if day is None or today < day:
            break
        phase = PHASE_AFTER_GATHERING[number]
    return phase


def next_gathering(today: date, gatherings: Mapping[int, date]) -> int | None:
    """The number of the next gathering from ``today`` on (today's counts), if any."""
    upcoming = [n for n, day in gatherings.items() if day >= today]
    return min(upcoming, key=lambda n: gatherings[n]) if upcoming else None


def previous_gathering_date(number: int, gatherings: Mapping[int, date]) -> date | None:
    return gatherings.get(number - 1)


def guidance_window_after_first(first: date) -> tuple[date, date]:
    return first + GUIDANCE_AFTER_FIRST[0], first + GUIDANCE_AFTER_FIRST[1]


def guidance_midway(second: date, third: date) -> date:
    return second + (third - second) / 2


# --------------------------------------------------------------------------------------------
# Invitations
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Invitation:
    team: bool
    leaders: bool
    top_leaders: bool


def default_invitation(number: int | None) -> Invitation:
    """The teams always; their leaders at gatherings 1 and 3; top leaders at 3."""
    return Invitation(team=True, leaders=number in (1, 3), top_leaders=number == 3)


# --------------------------------------------------------------------------------------------
# Tasks
# --------------------------------------------------------------------------------------------


class Derived(StrEnum):
    """Tasks whose completion is read from the team's data instead of ticked."""

    NONE = ""
    STATUS_REPORT = "status_report"
    INTERVIEWS = "interviews"
    AIMS = "aims"


@dataclass(frozen=True, slots=True)
class TaskDefinition:
    code: str
    phase: Phase
    title: str  # an English msgid, translated where shown
    description: str
    days_before: int  # due this many days before the gathering that ends the phase (assumed)
    derived: Derived = Derived.NONE


def _t(
    code: str,
    phase: Phase,
    days_before: int,
    title: str,
    description: str = "",
    derived: Derived = Derived.NONE,
) -> TaskDefinition:
    return TaskDefinition(code, phase, title, description, days_before, derived)


# The compendium's task list per phase ("Arbeid før første samling", "Arbeid mellom samling 1
# og 2", ...). Titles and descriptions are msgids, translated where they are shown.
PHASE_TASKS: tuple[TaskDefinition, ...] = (
    _t(
        "prep-anchor",
        Phase.PREPARATION,
        70,
        gettext_noop("Anchor the work in line management"),
        gettext_noop("Make sure the work has legitimacy for the time used and the changes needed."),
    ),
    _t("prep-team", Phase.PREPARATION, 63, gettext_noop("Form the improvement team")),
    _t(
        "prep-interviews",
        Phase.PREPARATION,
        35,
        gettext_noop("Interview five patients and their next of kin"),
        gettext_noop(
            "Learn what works well and badly through the patients' experience of their pathways."
        ),
        Derived.INTERVIEWS,
    ),
    _t(
        "prep-work-plan",
        Phase.PREPARATION,
        21,
        gettext_noop("Make a work plan with fixed meetings"),
        gettext_noop("Set a fixed meeting in the calendar a few months ahead."),
    ),
    _t(
        "prep-send",
        Phase.PREPARATION,
        STATUS_REPORT_DAYS_BEFORE,
        gettext_noop("Send the work plan and reflections"),
        gettext_noop("Sent as the status report for gathering 1."),
        Derived.STATUS_REPORT,
    ),
    _t("prep-poster", Phase.PREPARATION, 1, gettext_noop("Make the poster")),
    _t("after1-needs", Phase.AFTER_1, 56, gettext_noop("Identify improvement needs")),
    _t("after1-aims", Phase.AFTER_1, 42, gettext_noop("Set aims"), "", Derived.AIMS),
    _t("after1-inform", Phase.AFTER_1, 28, gettext_noop("Inform and involve those concerned")),
    _t(
        "after1-report",
        Phase.AFTER_1,
        STATUS_REPORT_DAYS_BEFORE,
        gettext_noop("Send the status report"),
        "",
        Derived.STATUS_REPORT,
    ),
    _t("after1-poster", Phase.AFTER_1, 1, gettext_noop("Make the poster")),
    _t(
        "after2-leadership",
        Phase.AFTER_2,
        150,
        gettext_noop("Inform and secure the leadership's anchoring"),
    ),
    _t("after2-user-role", Phase.AFTER_2, 120, gettext_noop("Strengthen the user role")),
    _t(
        "after2-communication",
        Phase.AFTER_2,
        90,
        gettext_noop("Make a communication plan"),
        gettext_noop(
            "What to tell whom and when: leadership, staff, GPs, patients and next of kin."
        ),
    ),
    _t(
        "after2-carry-out",
        Phase.AFTER_2,
        30,
        gettext_noop("Carry out the measures, measure, adjust"),
    ),
    _t(
        "after2-report",
        Phase.AFTER_2,
        STATUS_REPORT_DAYS_BEFORE,
        gettext_noop("Send the status report"),
        "",
        Derived.STATUS_REPORT,
    ),
    _t("after2-poster", Phase.AFTER_2, 1, gettext_noop("Make the poster")),
    _t(
        "after3-follow-up",
        Phase.AFTER_3,
        120,
        gettext_noop("Follow up the measures and measure"),
        gettext_noop("Are we doing what we agreed?"),
    ),
    _t("after3-adjust", Phase.AFTER_3, 60, gettext_noop("Adjust the plans, or find new measures")),
    _t("after3-spread", Phase.AFTER_3, 30, gettext_noop("Plan for spread")),
    _t(
        "after3-report",
        Phase.AFTER_3,
        STATUS_REPORT_DAYS_BEFORE,
        gettext_noop("Send the status report"),
        "",
        Derived.STATUS_REPORT,
    ),
    _t("after3-poster", Phase.AFTER_3, 1, gettext_noop("Make the poster")),
)
TASKS_BY_CODE: Mapping[str, TaskDefinition] = {task.code: task for task in PHASE_TASKS}


def tasks_for(phase: Phase) -> tuple[TaskDefinition, ...]:
    return tuple(task for task in PHASE_TASKS if task.phase == phase)


def task_due(task: TaskDefinition, gatherings: Mapping[int, date]) -> date | None:
    """Due ``days_before`` the gathering that ends the task's phase (None if not planned)."""
    number = PHASE_ENDS_WITH[task.phase]
    day = gatherings.get(number) if number is not None else None
    return day - timedelta(days=task.days_before) if day is not None else None


class Status(StrEnum):
    OPEN = "open"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    DONE = "done"
    DONE_LATE = "done_late"


def deadline_status(
    *, due: date | None, done_on: date | None, today: date, soon_days: int = DUE_SOON_DAYS
) -> Status:
    """Done (on time or late), or open, due soon or overdue as of ``today``."""
    if done_on is not None:
        return Status.DONE_LATE if due is not None and done_on > due else Status.DONE
    if due is None:
        return Status.OPEN
    if today > due:
        return Status.OVERDUE
    if (due - today).days <= soon_days:
        return Status.DUE_SOON
    return Status.OPEN


def status_report_due(gathering: date) -> date:
    return gathering - timedelta(days=STATUS_REPORT_DAYS_BEFORE)


def is_late(status: Status) -> bool:
    return status in (Status.OVERDUE, Status.DONE_LATE)


# --------------------------------------------------------------------------------------------
# Checks on dates (the services turn them into messages)
# --------------------------------------------------------------------------------------------


def gatherings_out_of_order(gatherings: Mapping[int, date]) -> list[int]:
    """Numbers of the gatherings that do not come after the one before them."""
    wrong: list[int] = []
    numbers = sorted(gatherings)
    for before, after in pairwise(numbers):
        if gatherings[after] <= gatherings[before]:
            wrong.append(after)
    return wrong


def within(day: date, starts: date, ends: date) -> bool:
    return starts <= day <= ends


WHAT_MATTERS_DAY_FROM = (6, 6)  # month, day
THURSDAY = 3


def what_matters_day(year: int) -> date:
    """The suggested date of "Hva er viktig for deg?"-dagen in ``year`` (see the module's
    assumptions): the first Thursday from 6 June on."""
    first = date(year, *WHAT_MATTERS_DAY_FROM)
    return first + timedelta(days=(THURSDAY - first.weekday()) % 7)


def next_what_matters_day(today: date) -> date:
    """The suggested date of the next "Hva er viktig for deg?"-dagen from ``today`` on."""
    this_year = what_matters_day(today.year)
    return this_year if today <= this_year else what_matters_day(today.year + 1)


def experience_gathering_date(fourth: date) -> date:
    """The regional experience gathering, about a year after gathering 4."""
    return add_months(fourth, EXPERIENCE_GATHERING_MONTHS_AFTER_LAST)


def is_june(day: date) -> bool:
    """ "Hva er viktig for deg?"-dagen is marked in June every year (the day varies)."""
    return day.month == 6


# --------------------------------------------------------------------------------------------
# Small counts (evaluation results)
# --------------------------------------------------------------------------------------------


def suppressed(count: int, *, below: int) -> bool:
    """A count from 1 to ``below`` - 1 is not shown (zero says nothing about anyone)."""
    return 0 < count < below


def distribution_shown(counts: list[int], *, below: int) -> list[int | None]:
    """The counts of one question's answers as they may be shown: a small count hidden, and
    never exactly one hidden among counts whose total is shown, since the total less the rest
    gives it back ("7 answers: yes 6, no fewer than 5" says no was 1). With one small count,
    the smallest other non-zero count is hidden too. A page that hides any count also hides the
    mean, which would give it back the same way (``any(n is None for n in ...)``)."""
    shown: list[int | None] = [None if suppressed(n, below=below) else n for n in counts]
    hidden = [i for i, n in enumerate(shown) if n is None]
    if len(hidden) == 1:
        others = [(n, i) for i, n in enumerate(counts) if i not in hidden and n > 0]
        if others:
            shown[min(others)[1]] = None
    return shown
