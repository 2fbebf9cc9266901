"""Pathway planning rules: instances, recurrences, interruption, readmission. Pure and DB-free."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forlop.pathways.planning import (
    instances_after_completion,
    instances_for_anchor,
    instances_for_event,
    interrupt_open,
    is_readmission,
    next_recurrence,
    plan_pathway,
    recurrence_instance,
    should_interrupt,
)
from forlop.pathways.rules import (
    CLOSED_STATUSES,
    INTERRUPTING_EVENTS,
    Anchor,
    Deadline,
    DeadlineUnit,
    EventKind,
    InvalidDefinitionError,
    PathwayAnchors,
    StopPointState,
    StopPointStatus,
    Trigger,
    UnknownValueError,
    is_on_time,
    stop_point_status,
)
from forlop.pathways.tests.rule_data import (
    BASE,
    HPH,
    by_code,
    by_code_definitions,
    definition,
    oslo,
)

S = StopPointStatus


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

    # then: HPH6 is due 3 hours later; what was not yet due is interrupted, but the second
    # HPH4 was overdue before the admission and stays missed
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
        "HPH4-2": S.OVERDUE,
    }
    assert stop_point_status(hph6[0].to_state(), now=after) is S.DUE
    assert stop_point_status(hph6[0].to_state(), now=oslo(2026, 4, 2, 13, 0, 1)) is S.OVERDUE
    # adherence: the interrupted ones are not counted as missed; the overdue one is
    assert [is_on_time(s, now=oslo(2026, 6, 1)) for s in interrupted.values()] == [
        True,
        True,
        True,
        None,
        None,
        None,
        True,
        False,
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
        # overdue before the admission: missed, not interrupted
        (dataclasses.replace(BASE, deadline=Deadline.on_date(date(2026, 4, 1))), False),
        (dataclasses.replace(BASE, deadline=Deadline.on_date(date(2026, 4, 2))), True),  # today
        (dataclasses.replace(BASE, deadline=Deadline.at(oslo(2026, 4, 2, 11, 59))), False),
        (dataclasses.replace(BASE, deadline=Deadline.at(oslo(2026, 4, 2, 12, 0))), True),
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

    # then: closed, or missed before the event (overdue, never interrupted)
    status = stop_point_status(result, now=moment)
    assert status in CLOSED_STATUSES or (
        status is S.OVERDUE and result.interrupted_at == state.interrupted_at
    )
    assert stop_point_status(result, now=moment - timedelta(seconds=1)) is stop_point_status(
        state, now=moment - timedelta(seconds=1)
    )


def test_interrupting_events() -> None:
    # given / when / then
    assert (
        frozenset(
            {
                EventKind.ADMISSION,
                EventKind.DEATH,
                EventKind.SERVICES_ENDED,
                EventKind.NURSING_HOME,
            }
        )
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
