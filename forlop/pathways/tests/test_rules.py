"""Pathway rules: definitions and statuses. Pure and DB-free."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forlop.pathways.planning import plan_pathway
from forlop.pathways.rules import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    OSLO,
    Anchor,
    Deadline,
    DeadlineUnit,
    DuplicateStopPointCodeError,
    EventKind,
    InvalidDefinitionError,
    NaiveDatetimeError,
    PathwayAnchors,
    StopPointState,
    StopPointStatus,
    Trigger,
    UnknownDeadlineUnitError,
    UnknownValueError,
    deadline_for,
    is_on_time,
    stop_point_status,
)
from forlop.pathways.tests.rule_data import BASE, definition, oslo

S = StopPointStatus


# --- enum values (shared with the Django TextChoices) ---------------------------------------


def test_enum_values_are_stable() -> None:
    # given / when / then
    assert [s.value for s in StopPointStatus] == [
        "not_yet_open",
        "due",
        "overdue",
        "done",
        "done_late",
        "not_relevant",
        "interrupted",
    ]
    assert [t.value for t in Trigger] == [
        "pathway_start",
        "after_stop_point",
        "event",
        "recurrence",
    ]
    assert [a.value for a in Anchor] == [
        "pathway_start",
        "ready_for_discharge",
        "planned_discharge",
        "discharge",
        "arrival_home",
        "event",
        "previous_done",
    ]
    assert [e.value for e in EventKind] == [
        "admission",
        "fall",
        "decline",
        "out_of_hours_contact",
        "return_home",
        "death",
        "services_ended",
        "nursing_home",
    ]
    assert set(StopPointStatus) == OPEN_STATUSES | CLOSED_STATUSES
    assert not OPEN_STATUSES & CLOSED_STATUSES


# --- status ----------------------------------------------------------------------------------

# Opens 1 April, due all day 3 April 2026.


@pytest.mark.parametrize(
    ("state", "now", "expected"),
    [
        (BASE, oslo(2026, 3, 31, 23, 59), S.NOT_YET_OPEN),
        (BASE, oslo(2026, 4, 1), S.DUE),
        (BASE, oslo(2026, 4, 3, 23, 59, 59, 999999), S.DUE),
        (BASE, oslo(2026, 4, 4), S.OVERDUE),
        (BASE, oslo(2027, 1, 1), S.OVERDUE),
        # completed on time, seen before and after the completion
        (dataclasses.replace(BASE, completed_at=oslo(2026, 4, 3, 22)), oslo(2026, 4, 3, 21), S.DUE),
        (dataclasses.replace(BASE, completed_at=oslo(2026, 4, 3, 22)), oslo(2026, 4, 3, 22), S.DONE),
        (dataclasses.replace(BASE, completed_at=oslo(2026, 4, 3, 22)), oslo(2027, 1, 1), S.DONE),
        # completed late: overdue until the completion, done late after
        (dataclasses.replace(BASE, completed_at=oslo(2026, 4, 5, 12)), oslo(2026, 4, 5, 11), S.OVERDUE),
        (dataclasses.replace(BASE, completed_at=oslo(2026, 4, 5, 12)), oslo(2026, 4, 5, 12), S.DONE_LATE),
        # completed before the window opened counts as done
        (dataclasses.replace(BASE, completed_at=oslo(2026, 3, 30)), oslo(2026, 3, 30, 12), S.DONE),
        # not relevant / interrupted, only once recorded
        (dataclasses.replace(BASE, not_relevant_at=oslo(2026, 4, 2)), oslo(2026, 4, 1, 12), S.DUE),
        (dataclasses.replace(BASE, not_relevant_at=oslo(2026, 4, 2)), oslo(2026, 4, 2), S.NOT_RELEVANT),
        (dataclasses.replace(BASE, not_relevant_at=oslo(2026, 4, 8)), oslo(2026, 4, 9), S.NOT_RELEVANT),
        (dataclasses.replace(BASE, interrupted_at=oslo(2026, 3, 31)), oslo(2026, 3, 30), S.NOT_YET_OPEN),
        (dataclasses.replace(BASE, interrupted_at=oslo(2026, 3, 31)), oslo(2026, 4, 5), S.INTERRUPTED),
        # the earliest closing fact wins; a later completion does not undo an interruption
        (dataclasses.replace(BASE, interrupted_at=oslo(2026, 4, 2), completed_at=oslo(2026, 4, 3)), oslo(2026, 4, 9), S.INTERRUPTED),
        (dataclasses.replace(BASE, interrupted_at=oslo(2026, 4, 3), completed_at=oslo(2026, 4, 2)), oslo(2026, 4, 9), S.DONE),
        # on a tie, completion wins
        (dataclasses.replace(BASE, interrupted_at=oslo(2026, 4, 2), completed_at=oslo(2026, 4, 2)), oslo(2026, 4, 2), S.DONE),
        (dataclasses.replace(BASE, not_relevant_at=oslo(2026, 4, 2), interrupted_at=oslo(2026, 4, 2)), oslo(2026, 4, 2), S.NOT_RELEVANT),
    ],
)  # fmt: skip
def test_stop_point_status(state: StopPointState, now: datetime, expected: StopPointStatus) -> None:
    # given / when
    status = stop_point_status(state, now=now)

    # then
    assert status is expected


def test_hours_deadline_status_around_the_due_instant() -> None:
    # given: HPH4 after a fall is due immediately (0 hours)
    fall = oslo(2026, 4, 1, 8, 0)
    state = StopPointState(opens_at=fall, deadline=deadline_for(fall, 0, "hours"))

    # when / then
    assert stop_point_status(state, now=fall - timedelta(seconds=1)) is S.NOT_YET_OPEN
    assert stop_point_status(state, now=fall) is S.DUE
    assert stop_point_status(state, now=fall + timedelta(microseconds=1)) is S.OVERDUE


def test_status_compares_instants_in_the_repeated_autumn_hour() -> None:
    # given: due 02:30 CET (the second 02:30) on 25 October 2026
    due = datetime(2026, 10, 25, 1, 30, tzinfo=UTC).astimezone(OSLO)
    state = StopPointState(opens_at=oslo(2026, 10, 24), deadline=Deadline.at(due))
    first_0245 = datetime(2026, 10, 25, 0, 45, tzinfo=UTC).astimezone(OSLO)  # 02:45 CEST

    # when
    status = stop_point_status(state, now=first_0245)

    # then: 02:45 CEST is 45 minutes before 02:30 CET
    assert status is S.DUE


def test_status_requires_an_aware_now() -> None:
    # given
    naive = datetime(2026, 4, 2, 12, 0)  # noqa: DTZ001  # deliberately naive

    # when / then
    with pytest.raises(NaiveDatetimeError):
        stop_point_status(BASE, now=naive)


_RANK = {S.NOT_YET_OPEN: 0, S.DUE: 1, S.OVERDUE: 2}

day_offsets = st.integers(min_value=-20, max_value=40)
maybe_offset = st.none() | st.integers(min_value=-20 * 24, max_value=40 * 24)


@given(
    opens=day_offsets,
    due=day_offsets,
    all_day=st.booleans(),
    completed=maybe_offset,
    not_relevant=maybe_offset,
    interrupted=maybe_offset,
    nows=st.lists(st.integers(min_value=-30 * 24, max_value=50 * 24), min_size=2, max_size=30),
)
def test_status_only_moves_forward_as_now_increases(
    opens: int,
    due: int,
    all_day: bool,
    completed: int | None,
    not_relevant: int | None,
    interrupted: int | None,
    nows: list[int],
) -> None:
    # given
    origin = oslo(2026, 3, 20, 9, 0)

    def at(hours: int | None) -> datetime | None:
        return None if hours is None else origin + timedelta(hours=hours)

    deadline = (
        Deadline.on_date(origin.date() + timedelta(days=due))
        if all_day
        else Deadline.at(origin + timedelta(days=due))
    )
    state = StopPointState(
        opens_at=origin + timedelta(days=opens),
        deadline=deadline,
        completed_at=at(completed),
        not_relevant_at=at(not_relevant),
        interrupted_at=at(interrupted),
    )

    # when
    moments = [origin + timedelta(hours=h) for h in sorted(nows)]
    statuses = [stop_point_status(state, now=moment) for moment in moments]
    on_time = [is_on_time(state, now=moment) for moment in moments]

    # then
    for before, after in itertools.pairwise(statuses):
        if before in CLOSED_STATUSES:
            assert after is before
        else:
            assert after in CLOSED_STATUSES or _RANK[after] >= _RANK[before]
    for status, judged in zip(statuses, on_time, strict=True):
        expected = {S.DONE: True, S.DONE_LATE: False, S.OVERDUE: False}.get(status)
        assert judged is expected


@pytest.mark.parametrize(
    ("state", "now", "expected"),
    [
        (BASE, oslo(2026, 3, 31), None),  # not yet open
        (BASE, oslo(2026, 4, 2), None),  # due, not decided
        (BASE, oslo(2026, 4, 4), False),  # overdue: missed
        (dataclasses.replace(BASE, completed_at=oslo(2026, 4, 2)), oslo(2026, 4, 9), True),
        (dataclasses.replace(BASE, completed_at=oslo(2026, 4, 6)), oslo(2026, 4, 9), False),
        (dataclasses.replace(BASE, completed_at=oslo(2026, 4, 6)), oslo(2026, 4, 5), False),
        (dataclasses.replace(BASE, not_relevant_at=oslo(2026, 4, 2)), oslo(2026, 4, 9), None),
        (dataclasses.replace(BASE, interrupted_at=oslo(2026, 4, 2)), oslo(2026, 4, 9), None),
        # interrupted after it became overdue: still not counted as missed
        (dataclasses.replace(BASE, interrupted_at=oslo(2026, 4, 6)), oslo(2026, 4, 9), None),
    ],
)
def test_is_on_time(state: StopPointState, now: datetime, expected: bool | None) -> None:
    # given / when / then
    assert is_on_time(state, now=now) is expected


# --- definitions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"code": " "},
        {"deadline_amount": -1},
        {"window_amount": -1},
        {"trigger": Trigger.EVENT},  # no trigger events
        {"trigger_events": frozenset({EventKind.FALL})},  # events without the event trigger
        {"trigger": Trigger.AFTER_STOP_POINT},  # no after_code
        {"after_code": "HPH2"},  # after_code without the trigger
        {"anchor": Anchor.EVENT},
        {"anchor": Anchor.PREVIOUS_DONE},
        {"trigger": Trigger.RECURRENCE, "deadline_amount": 0},
    ],
)
def test_inconsistent_definition_raises(overrides: dict[str, object]) -> None:
    # given / when / then
    with pytest.raises(InvalidDefinitionError) as excinfo:
        definition("X", **overrides)
    assert excinfo.value.code == "invalid_stop_point_definition"


@pytest.mark.parametrize(
    ("overrides", "error", "code"),
    [
        ({"deadline_unit": "weeks"}, UnknownDeadlineUnitError, "unknown_deadline_unit"),
        ({"window_amount": 1, "window_unit": "weeks"}, UnknownDeadlineUnitError, "unknown_deadline_unit"),
        ({"trigger": "sometimes"}, UnknownValueError, "unknown_value"),
        ({"anchor": "moon"}, UnknownValueError, "unknown_value"),
        ({"trigger": "event", "trigger_events": frozenset({"flood"})}, UnknownValueError, "unknown_value"),
    ],
)  # fmt: skip
def test_unknown_values_in_a_definition_raise_with_a_code(
    overrides: dict[str, object], error: type[UnknownValueError], code: str
) -> None:
    # given / when / then
    with pytest.raises(error) as excinfo:
        definition("X", **overrides)
    assert excinfo.value.code == code
    assert isinstance(excinfo.value, ValueError)


def test_definition_converts_strings_from_the_database() -> None:
    # given / when
    result = definition(
        "HPH4",
        trigger="event",
        trigger_events=frozenset({"fall"}),
        anchor="event",
        deadline_unit="hours",
        window_amount=1,
        window_unit="hours",
    )

    # then
    assert result.trigger is Trigger.EVENT
    assert result.anchor is Anchor.EVENT
    assert result.deadline_unit is DeadlineUnit.HOURS
    assert result.window_unit is DeadlineUnit.HOURS
    assert result.trigger_events == frozenset({EventKind.FALL})


def test_duplicate_codes_raise() -> None:
    # given
    definitions = [definition("HPH2"), definition("HPH2")]

    # when / then
    with pytest.raises(DuplicateStopPointCodeError) as excinfo:
        plan_pathway(definitions, PathwayAnchors(started_at=oslo(2026, 3, 27, 9)))
    assert excinfo.value.code == "duplicate_stop_point_code"
