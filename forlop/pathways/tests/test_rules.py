"""Pathway rules: statuses, planning, interruption, readmission. Pure and DB-free."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forlop.pathways.rules import (
    CLOSED_STATUSES,
    INTERRUPTING_EVENTS,
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
    PlannedStopPoint,
    StopPointDefinition,
    StopPointState,
    StopPointStatus,
    Trigger,
    UnknownDeadlineUnitError,
    UnknownValueError,
    deadline_for,
    instances_after_completion,
    instances_for_anchor,
    instances_for_event,
    interrupt_open,
    is_on_time,
    is_readmission,
    next_recurrence,
    plan_pathway,
    recurrence_instance,
    should_interrupt,
    stop_point_status,
)

S = StopPointStatus


def oslo(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=OSLO)


def definition(code: str, /, **overrides: object) -> StopPointDefinition:
    values: dict[str, object] = {
        "code": code,
        "title": code,
        "responsible_role": "primary_contact",
        "trigger": Trigger.PATHWAY_START,
        "anchor": Anchor.PATHWAY_START,
        "deadline_amount": 3,
        "deadline_unit": DeadlineUnit.CALENDAR_DAYS,
    }
    values.update(overrides)
    return StopPointDefinition(**values)  # type: ignore[arg-type]  # test helper


# The HPH default numbers (seed: hph.md). HPH5R is the yearly review after the first four weeks.
HPH = [
    definition("HPH0", anchor=Anchor.DISCHARGE, deadline_amount=0, deadline_unit="hours"),
    definition("HPH1", anchor=Anchor.DISCHARGE, deadline_amount=0),
    definition("HPH2", anchor=Anchor.ARRIVAL_HOME, deadline_amount=3),
    definition("HPH3", anchor=Anchor.DISCHARGE, deadline_amount=14),
    definition(
        "HPH4",
        trigger=Trigger.EVENT,
        trigger_events=frozenset(
            {EventKind.FALL, EventKind.DECLINE, EventKind.OUT_OF_HOURS_CONTACT}
        ),
        anchor=Anchor.EVENT,
        deadline_amount=0,
        deadline_unit=DeadlineUnit.HOURS,
        repeats=True,
    ),
    definition(
        "HPH5", anchor=Anchor.ARRIVAL_HOME, deadline_amount=28, window_amount=7, repeats=False
    ),
    definition(
        "HPH5R",
        trigger=Trigger.RECURRENCE,
        anchor=Anchor.ARRIVAL_HOME,
        deadline_amount=12,
        deadline_unit=DeadlineUnit.MONTHS,
        window_amount=1,
    ),
    definition(
        "HPH6",
        trigger=Trigger.EVENT,
        trigger_events=frozenset({EventKind.ADMISSION}),
        anchor=Anchor.EVENT,
        deadline_amount=3,
        deadline_unit=DeadlineUnit.HOURS,
    ),
]


def by_code(planned: list[PlannedStopPoint]) -> dict[str, PlannedStopPoint]:
    return {p.code: p for p in planned}


def by_code_definitions() -> dict[str, StopPointDefinition]:
    return {d.code: d for d in HPH}


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
    ]
    assert set(StopPointStatus) == OPEN_STATUSES | CLOSED_STATUSES
    assert not OPEN_STATUSES & CLOSED_STATUSES


# --- status ----------------------------------------------------------------------------------

# Opens 1 April, due all day 3 April 2026.
BASE = StopPointState(opens_at=oslo(2026, 4, 1), deadline=Deadline.on_date(date(2026, 4, 3)))


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


# --- planning --------------------------------------------------------------------------------


def test_hph_example_end_to_end() -> None:
    # given: discharged Friday 27 March 2026 (D) and home the same day
    day_d = date(2026, 3, 27)
    anchors = PathwayAnchors(
        started_at=oslo(2026, 3, 27, 9, 0),
        discharged_at=oslo(2026, 3, 27, 11, 0),
        arrived_home_at=oslo(2026, 3, 27, 14, 0),
    )

    # when: the pathway starts
    planned = by_code(plan_pathway(HPH, anchors))

    # then: HPH2 D+3, HPH3 D+14, HPH5 D+28 (window 7 days), first yearly review D + 12 months
    assert list(planned) == ["HPH0", "HPH1", "HPH2", "HPH3", "HPH5", "HPH5R"]
    assert planned["HPH0"].deadline == Deadline.at(oslo(2026, 3, 27, 11, 0))
    assert planned["HPH1"].deadline == Deadline.on_date(day_d)
    assert planned["HPH2"].deadline == Deadline.on_date(day_d + timedelta(days=3))
    assert planned["HPH3"].deadline == Deadline.on_date(day_d + timedelta(days=14))
    assert planned["HPH5"].deadline == Deadline.on_date(day_d + timedelta(days=28))
    assert planned["HPH5"].opens_at == oslo(2026, 4, 17)
    assert planned["HPH5R"].deadline == Deadline.on_date(date(2027, 3, 27))
    assert planned["HPH5R"].opens_at == oslo(2027, 2, 27)
    assert all(p.triggered_at == anchors.started_at for p in planned.values())
    states = {code: p.to_state() for code, p in planned.items()}

    # when: HPH0, HPH1 and HPH2 are done in time
    states["HPH0"] = dataclasses.replace(states["HPH0"], completed_at=oslo(2026, 3, 27, 10, 30))
    states["HPH1"] = dataclasses.replace(states["HPH1"], completed_at=oslo(2026, 3, 27, 12, 0))
    states["HPH2"] = dataclasses.replace(states["HPH2"], completed_at=oslo(2026, 3, 30, 13, 0))

    # then
    now = oslo(2026, 3, 31, 8, 0)
    assert {code: stop_point_status(s, now=now) for code, s in states.items()} == {
        "HPH0": S.DONE,
        "HPH1": S.DONE,
        "HPH2": S.DONE,
        "HPH3": S.DUE,
        "HPH5": S.NOT_YET_OPEN,
        "HPH5R": S.NOT_YET_OPEN,
    }

    # when: a fall opens HPH4, and a second fall while it is open opens another (it repeats)
    fall = oslo(2026, 4, 1, 8, 0)
    hph4 = instances_for_event(HPH, EventKind.FALL, fall, open_codes={"HPH3", "HPH5"})
    hph4_again = instances_for_event(
        HPH, "decline", fall + timedelta(hours=5), open_codes={"HPH3", "HPH4", "HPH5"}
    )

    # then
    assert [(p.code, p.event_kind, p.deadline) for p in hph4] == [
        ("HPH4", EventKind.FALL, Deadline.at(fall))
    ]
    assert [p.code for p in hph4_again] == ["HPH4"]
    states["HPH4-1"] = dataclasses.replace(hph4[0].to_state(), completed_at=fall)
    states["HPH4-2"] = hph4_again[0].to_state()

    # when: the patient is admitted on 2 April at 10:00
    admission = oslo(2026, 4, 2, 10, 0)
    hph6 = instances_for_event(HPH, EventKind.ADMISSION, admission)
    codes = list(states)
    interrupted = dict(zip(codes, interrupt_open(states.values(), at=admission), strict=True))

    # then: HPH6 is due 3 hours later; everything open (or not open yet) is interrupted
    assert [(p.code, p.deadline) for p in hph6] == [("HPH6", Deadline.at(oslo(2026, 4, 2, 13)))]
    after = oslo(2026, 4, 2, 11, 0)
    assert {code: stop_point_status(s, now=after) for code, s in interrupted.items()} == {
        "HPH0": S.DONE,
        "HPH1": S.DONE,
        "HPH2": S.DONE,
        "HPH3": S.INTERRUPTED,
        "HPH5": S.INTERRUPTED,
        "HPH5R": S.INTERRUPTED,
        "HPH4-1": S.DONE,
        "HPH4-2": S.INTERRUPTED,
    }
    assert stop_point_status(hph6[0].to_state(), now=after) is S.DUE
    assert stop_point_status(hph6[0].to_state(), now=oslo(2026, 4, 2, 13, 0, 1)) is S.OVERDUE
    # adherence: the interrupted ones are not counted as missed
    assert [is_on_time(s, now=oslo(2026, 6, 1)) for s in interrupted.values()] == [
        True,
        True,
        True,
        None,
        None,
        None,
        True,
        None,
    ]
    # the statuses before the admission are unchanged (reports are reproducible)
    assert stop_point_status(interrupted["HPH3"], now=now) is S.DUE
    assert is_readmission(anchors.discharged_at, admission)


def test_start_instances_wait_for_an_unknown_anchor() -> None:
    # given: the pathway starts at "ready for discharge"; discharge and arrival not known yet
    started = oslo(2026, 3, 26, 15, 0)
    anchors = PathwayAnchors(started_at=started)

    # when
    at_start = plan_pathway(HPH, anchors)

    # then
    assert at_start == []

    # when: the discharge is registered, then the arrival home
    discharged = dataclasses.replace(anchors, discharged_at=oslo(2026, 3, 27, 11))
    home = dataclasses.replace(discharged, arrived_home_at=oslo(2026, 3, 28, 10))
    on_discharge = instances_for_anchor(HPH, discharged, Anchor.DISCHARGE)
    on_arrival = instances_for_anchor(HPH, home, "arrival_home")

    # then
    assert [p.code for p in on_discharge] == ["HPH0", "HPH1", "HPH3"]
    assert by_code(on_discharge)["HPH3"].deadline == Deadline.on_date(date(2026, 4, 10))
    assert [p.code for p in on_arrival] == ["HPH2", "HPH5", "HPH5R"]
    assert by_code(on_arrival)["HPH2"].deadline == Deadline.on_date(date(2026, 3, 31))


def test_pathway_started_at_home_anchors_on_the_start() -> None:
    # given: a decline at home; no hospital stay
    started = oslo(2026, 5, 12, 13, 0)
    anchors = PathwayAnchors(started_at=started, arrived_home_at=started)

    # when
    planned = by_code(plan_pathway(HPH, anchors))

    # then: nothing anchored on a discharge
    assert list(planned) == ["HPH2", "HPH5", "HPH5R"]
    assert planned["HPH2"].deadline == Deadline.on_date(date(2026, 5, 15))


def test_non_repeating_event_stop_point_is_not_doubled_while_open() -> None:
    # given
    admission = oslo(2026, 4, 2, 10, 0)

    # when
    first = instances_for_event(HPH, EventKind.ADMISSION, admission)
    while_open = instances_for_event(HPH, "admission", admission, open_codes={"HPH6"})

    # then
    assert [p.code for p in first] == ["HPH6"]
    assert while_open == []


@pytest.mark.parametrize(
    ("kind", "codes"),
    [
        (EventKind.FALL, ["HPH4"]),
        (EventKind.DECLINE, ["HPH4"]),
        (EventKind.OUT_OF_HOURS_CONTACT, ["HPH4"]),
        (EventKind.ADMISSION, ["HPH6"]),
        (EventKind.RETURN_HOME, []),
        (EventKind.DEATH, []),
        (EventKind.SERVICES_ENDED, []),
    ],
)
def test_instances_for_event_by_kind(kind: EventKind, codes: list[str]) -> None:
    # given / when
    planned = instances_for_event(HPH, kind, oslo(2026, 4, 1, 8))

    # then
    assert [p.code for p in planned] == codes


def test_unknown_event_kind_raises() -> None:
    # given / when / then
    with pytest.raises(UnknownValueError) as excinfo:
        instances_for_event(HPH, "earthquake", oslo(2026, 4, 1, 8))
    assert excinfo.value.code == "unknown_value"


def test_event_definition_anchored_on_arrival_home_uses_the_pathway_anchors() -> None:
    # given: after a return home, a new structured follow-up within 3 days of arrival
    follow_up = definition(
        "HPH2-RETURN",
        trigger=Trigger.EVENT,
        trigger_events=frozenset({EventKind.RETURN_HOME}),
        anchor=Anchor.ARRIVAL_HOME,
    )
    returned = oslo(2026, 4, 20, 16, 0)
    anchors = PathwayAnchors(started_at=oslo(2026, 3, 27, 9), arrived_home_at=returned)

    # when
    with_anchors = instances_for_event([follow_up], "return_home", returned, anchors=anchors)
    without = instances_for_event([follow_up], "return_home", returned)

    # then
    assert [p.deadline for p in with_anchors] == [Deadline.on_date(date(2026, 4, 23))]
    assert without == []


def test_instances_after_completion() -> None:
    # given: a follow-up 2 working days after the GP visit is done, and an unrelated one
    definitions = [
        *HPH,
        definition(
            "GP-FOLLOWUP",
            trigger=Trigger.AFTER_STOP_POINT,
            after_code="HPH3",
            anchor=Anchor.PREVIOUS_DONE,
            deadline_amount=2,
            deadline_unit=DeadlineUnit.WORKING_DAYS,
        ),
        definition(
            "AFTER-HPH2",
            trigger=Trigger.AFTER_STOP_POINT,
            after_code="HPH2",
            anchor=Anchor.DISCHARGE,
        ),
    ]
    done = oslo(2026, 4, 1, 14, 0)  # Wednesday before Easter

    # when
    planned = instances_after_completion(definitions, "HPH3", done)
    while_open = instances_after_completion(definitions, "HPH3", done, open_codes={"GP-FOLLOWUP"})
    unknown_anchor = instances_after_completion(definitions, "HPH2", done)

    # then: 2 working days after 1 April 2026 skips Easter → 8 April
    assert [(p.code, p.triggered_at, p.deadline) for p in planned] == [
        ("GP-FOLLOWUP", done, Deadline.on_date(date(2026, 4, 8)))
    ]
    assert while_open == []
    assert unknown_anchor == []


def test_recurrence_is_counted_from_the_series_anchor() -> None:
    # given: every 6 months from 31 August, window 1 month
    review = definition(
        "REVIEW",
        trigger=Trigger.RECURRENCE,
        anchor=Anchor.PATHWAY_START,
        deadline_amount=6,
        deadline_unit=DeadlineUnit.MONTHS,
        window_amount=1,
    )
    start = oslo(2026, 8, 31, 10, 0)

    # when
    first = plan_pathway([review], PathwayAnchors(started_at=start))[0]
    second = next_recurrence(review, first)
    third = next_recurrence(review, second)

    # then: no drift from month-end clamping
    assert [p.deadline.due_date for p in (first, second, third)] == [
        date(2027, 2, 28),
        date(2027, 8, 31),
        date(2028, 2, 29),
    ]
    assert [p.occurrence for p in (first, second, third)] == [1, 2, 3]
    assert second.triggered_at == oslo(2027, 3, 1)  # when the first period ends
    assert second.opens_at == oslo(2027, 7, 31)
    assert recurrence_instance(review, anchor_at=start, occurrence=3) == third


def test_next_recurrence_rejects_a_foreign_instance() -> None:
    # given
    review = by_code_definitions()["HPH5R"]
    anchors = PathwayAnchors(oslo(2026, 3, 27, 9), arrived_home_at=oslo(2026, 3, 27, 14))
    other = by_code(plan_pathway(HPH, anchors))["HPH2"]

    # when / then
    with pytest.raises(InvalidDefinitionError):
        next_recurrence(review, other)


# --- interruption ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (BASE, True),  # open
        (dataclasses.replace(BASE, opens_at=oslo(2026, 4, 5)), True),  # not open yet: cancelled
        (dataclasses.replace(BASE, completed_at=oslo(2026, 4, 1, 12)), False),
        (dataclasses.replace(BASE, completed_at=oslo(2026, 4, 2, 12)), False),  # same instant
        (dataclasses.replace(BASE, completed_at=oslo(2026, 4, 3)), True),  # done later
        (dataclasses.replace(BASE, not_relevant_at=oslo(2026, 4, 1, 12)), False),
        (dataclasses.replace(BASE, interrupted_at=oslo(2026, 4, 1, 12)), False),
        (dataclasses.replace(BASE, deadline=Deadline.on_date(date(2026, 4, 1))), True),  # overdue
    ],
)
def test_should_interrupt(state: StopPointState, expected: bool) -> None:
    # given
    admission = oslo(2026, 4, 2, 12, 0)

    # when / then
    assert should_interrupt(state, at=admission) is expected


def test_interrupt_open_keeps_order_and_closed_states() -> None:
    # given
    admission = oslo(2026, 4, 2, 12, 0)
    done = dataclasses.replace(BASE, completed_at=oslo(2026, 4, 1, 12))
    states = [BASE, done]

    # when
    result = interrupt_open(states, at=admission)

    # then
    assert result == [dataclasses.replace(BASE, interrupted_at=admission), done]
    assert result[1] is done
    assert interrupt_open(result, at=admission + timedelta(hours=1)) == result


@given(
    completed=st.none() | st.integers(-100, 100),
    interrupted=st.none() | st.integers(-100, 100),
    at=st.integers(-100, 100),
)
def test_after_interruption_nothing_is_open(
    completed: int | None, interrupted: int | None, at: int
) -> None:
    # given
    origin = oslo(2026, 4, 2, 12, 0)
    state = dataclasses.replace(
        BASE,
        completed_at=None if completed is None else origin + timedelta(hours=completed),
        interrupted_at=None if interrupted is None else origin + timedelta(hours=interrupted),
    )
    moment = origin + timedelta(hours=at)

    # when
    [result] = interrupt_open([state], at=moment)

    # then
    assert stop_point_status(result, now=moment) in CLOSED_STATUSES
    assert stop_point_status(result, now=moment - timedelta(seconds=1)) is stop_point_status(
        state, now=moment - timedelta(seconds=1)
    )


def test_interrupting_events() -> None:
    # given / when / then
    assert (
        frozenset({EventKind.ADMISSION, EventKind.DEATH, EventKind.SERVICES_ENDED})
        == INTERRUPTING_EVENTS
    )


# --- readmission -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("discharged", "admitted", "days", "expected"),
    [
        (oslo(2026, 3, 1, 12), oslo(2026, 3, 31, 23, 59), 30, True),
        (oslo(2026, 3, 1, 12), oslo(2026, 4, 1, 0, 0), 30, False),
        (oslo(2026, 3, 1, 12), oslo(2026, 3, 1, 18), 30, True),  # same day, later
        (oslo(2026, 3, 1, 12), oslo(2026, 3, 1, 12), 30, False),  # same instant: a transfer
        (oslo(2026, 3, 1, 12), oslo(2026, 2, 27, 12), 30, False),  # before the discharge
        (None, oslo(2026, 3, 5), 30, False),  # first admission
        (oslo(2026, 3, 1, 12), oslo(2026, 3, 8, 9), 7, True),
        (oslo(2026, 3, 1, 12), oslo(2026, 3, 9, 9), 7, False),
        # dates are Oslo dates: 22:30 UTC on 31 March is 1 April in Oslo
        (oslo(2026, 3, 2, 8), datetime(2026, 3, 31, 21, 30, tzinfo=UTC), 29, True),
        (oslo(2026, 3, 2, 8), datetime(2026, 3, 31, 22, 30, tzinfo=UTC), 29, False),
    ],
)
def test_is_readmission(
    discharged: datetime | None, admitted: datetime, days: int, expected: bool
) -> None:
    # given / when / then
    assert is_readmission(discharged, admitted, days=days) is expected
