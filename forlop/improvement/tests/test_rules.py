"""The learning network's pure rules: the schedule, phases, derived due dates, lateness,
guidance timing and invitations. No database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from forlop.improvement import rules
from forlop.improvement.rules import Phase, Status

G1 = date(2026, 1, 20)
DATES = {1: G1, 2: date(2026, 4, 20), 3: date(2026, 10, 20), 4: date(2027, 7, 20)}


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2026, 1, 20), -3, date(2025, 10, 20)),
        (date(2026, 11, 15), 3, date(2027, 2, 15)),
        (date(2026, 1, 20), 18, date(2027, 7, 20)),
    ],
)
def test_add_months(day, months, expected):
    assert rules.add_months(day, months) == expected


def test_the_suggested_schedule_follows_the_programme():
    schedule = rules.suggested_schedule(G1)
    assert schedule.preparation_starts == date(2025, 10, 20)
    assert schedule.gatherings == (G1, date(2026, 4, 20), date(2026, 10, 20), date(2027, 7, 20))
    assert schedule.experience_gathering == date(2028, 7, 20)
    assert schedule.guidance_after_first == (date(2026, 2, 17), date(2026, 3, 3))
    assert schedule.guidance_midway == date(2026, 7, 20)
    assert schedule.ends == date(2027, 7, 20)


@pytest.mark.parametrize(
    ("today", "phase"),
    [
        (date(2025, 11, 1), Phase.PREPARATION),
        (G1 - timedelta(days=1), Phase.PREPARATION),
        (G1, Phase.AFTER_1),  # the gathering day starts the next phase
        (date(2026, 4, 19), Phase.AFTER_1),
        (date(2026, 4, 20), Phase.AFTER_2),
        (date(2026, 12, 1), Phase.AFTER_3),
        (date(2027, 7, 20), Phase.CONTINUATION),
    ],
)
def test_phase_on(today, phase):
    assert rules.phase_on(today, DATES) == phase


def test_phase_without_planned_gatherings_is_preparation():
    assert rules.phase_on(date(2030, 1, 1), {}) == Phase.PREPARATION
    # only gathering 1 planned: after it, between 1 and 2 until 2 is planned
    assert rules.phase_on(date(2030, 1, 1), {1: G1}) == Phase.AFTER_1


def test_next_gathering_counts_today():
    assert rules.next_gathering(G1, DATES) == 1
    assert rules.next_gathering(G1 + timedelta(days=1), DATES) == 2
    assert rules.next_gathering(date(2028, 1, 1), DATES) is None


def test_every_phase_has_the_compendiums_tasks_and_a_poster():
    assert [t.code for t in rules.tasks_for(Phase.PREPARATION)] == [
        "prep-anchor",
        "prep-team",
        "prep-interviews",
        "prep-work-plan",
        "prep-send",
        "prep-poster",
    ]
    for phase in (Phase.PREPARATION, Phase.AFTER_1, Phase.AFTER_2, Phase.AFTER_3):
        codes = [task.code for task in rules.tasks_for(phase)]
        assert codes[-1].endswith("-poster")
        assert sum(1 for t in rules.tasks_for(phase) if t.derived == "status_report") == 1
    assert rules.TASKS_BY_CODE["after1-aims"].derived == "aims"
    assert rules.TASKS_BY_CODE["prep-interviews"].derived == "interviews"
    assert rules.tasks_for(Phase.CONTINUATION) == ()


def test_due_dates_derive_from_the_gathering_that_ends_the_phase():
    send = rules.TASKS_BY_CODE["prep-send"]
    anchor = rules.TASKS_BY_CODE["prep-anchor"]
    spread = rules.TASKS_BY_CODE["after3-spread"]
    assert rules.task_due(send, DATES) == date(2026, 1, 13)  # one week before gathering 1
    assert rules.task_due(anchor, DATES) == date(2025, 11, 11)
    assert rules.task_due(spread, DATES) == date(2027, 6, 20)
    assert rules.task_due(send, {}) is None


def test_moving_a_gathering_moves_its_phases_due_dates_and_no_others():
    moved = {**DATES, 2: DATES[2] + timedelta(days=14)}
    for task in rules.PHASE_TASKS:
        before, after = rules.task_due(task, DATES), rules.task_due(task, moved)
        if task.phase == Phase.AFTER_1:
            assert after == before + timedelta(days=14)
        else:
            assert after == before


def test_the_status_report_is_due_a_week_before_each_gathering():
    assert rules.status_report_due(date(2026, 4, 20)) == date(2026, 4, 13)


@pytest.mark.parametrize(
    ("done_on", "today", "expected"),
    [
        (None, date(2026, 3, 1), Status.OPEN),
        (None, date(2026, 3, 31), Status.DUE_SOON),  # 13 days left
        (None, date(2026, 4, 13), Status.DUE_SOON),  # the day itself
        (None, date(2026, 4, 14), Status.OVERDUE),
        (date(2026, 4, 13), date(2026, 5, 1), Status.DONE),
        (date(2026, 4, 14), date(2026, 5, 1), Status.DONE_LATE),
    ],
)
def test_deadline_status(done_on, today, expected):
    assert rules.deadline_status(due=date(2026, 4, 13), done_on=done_on, today=today) == expected


def test_without_a_due_date_a_task_is_open_or_done():
    assert rules.deadline_status(due=None, done_on=None, today=G1) == Status.OPEN
    assert rules.deadline_status(due=None, done_on=G1, today=G1) == Status.DONE


@pytest.mark.parametrize(
    ("number", "leaders", "top"),
    [(1, True, False), (2, False, False), (3, True, True), (4, False, False), (None, False, False)],
)
def test_who_is_invited(number, leaders, top):
    assert rules.default_invitation(number) == rules.Invitation(True, leaders, top)


def test_gatherings_out_of_order():
    assert rules.gatherings_out_of_order(DATES) == []
    assert rules.gatherings_out_of_order({**DATES, 2: date(2026, 1, 20)}) == [2]
    assert rules.gatherings_out_of_order({**DATES, 3: date(2026, 3, 1)}) == [3]
    # gathering 2 moved past gathering 3: it is 3 that no longer comes after the one before
    assert rules.gatherings_out_of_order({**DATES, 2: date(2026, 11, 1)}) == [3]


def test_what_matters_day_is_in_june():
    assert rules.is_june(date(2026, 6, 6))
    assert not rules.is_june(date(2026, 5, 31))


@pytest.mark.parametrize(("count", "hidden"), [(0, False), (1, True), (4, True), (5, False)])
def test_small_counts_are_suppressed(count, hidden):
    assert rules.suppressed(count, below=5) is hidden


@pytest.mark.parametrize(
    ("counts", "shown"),
    [
        ([6, 1], [None, None]),  # "yes 6, no fewer than 5" with 7 answers gave no = 1 back
        ([7, 0], [7, 0]),
        ([5, 9], [5, 9]),
        ([0, 0, 2, 10, 20], [0, 0, None, None, 20]),  # the smallest other count goes too
        ([0, 3, 2, 10, 20], [0, None, None, 10, 20]),  # two hidden already: no sum gives one
        ([0, 0, 0, 0, 3], [0, 0, 0, 0, None]),  # nothing else to hide: the total is too few
    ],
)
def test_a_distribution_never_hides_exactly_one_count(counts, shown):
    assert rules.distribution_shown(counts, below=5) == shown
