"""The timeline rules (pure): which times can be true together, and who registers each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from forlop.pathways import planning, rules, timeline
from forlop.pathways.tests.factories import oslo

T = timeline.TimeKind
NOW = oslo(2026, 3, 13, 15)  # Friday 13 March 2026, 15:00
READY = oslo(2026, 3, 13, 14)


def errors(**times: datetime | None) -> list[tuple[str, str]]:
    values = {"started_at": READY, **times}
    return [
        (e.rule, e.kind.value)
        for e in timeline.timeline_errors(timeline.Timeline(**values), now=NOW)  # type: ignore[arg-type]
    ]


def test_a_possible_discharge_breaks_no_rule() -> None:
    # given / when / then
    assert (
        errors(
            ready_for_discharge_at=READY,
            planned_discharge_at=oslo(2026, 3, 16, 12),  # a plan may lie ahead
        )
        == []
    )
    assert (
        errors(
            ready_for_discharge_at=READY,
            planned_discharge_at=oslo(2026, 3, 13, 14),
            discharged_at=oslo(2026, 3, 13, 14, 30),
            short_stay_started_at=oslo(2026, 3, 13, 14, 30),
            arrived_home_at=oslo(2026, 3, 13, 14, 59),
        )
        == []
    )


@pytest.mark.parametrize(
    ("times", "expected"),
    [
        # the arrival home before the discharge
        (
            {"discharged_at": oslo(2026, 3, 13, 12), "arrived_home_at": oslo(2026, 3, 13, 11)},
            [("arrival_before_discharge", "arrived_home")],
        ),
        # a discharge more than a year ahead (a wrong year), and an actual one ahead
        (
            {"ready_for_discharge_at": READY, "planned_discharge_at": oslo(2027, 3, 15, 12)},
            [("planned_too_far", "planned_discharge")],
        ),
        (
            {"discharged_at": NOW + timedelta(minutes=6)},
            [("in_future", "discharged")],
        ),
        # five minutes ahead is a clock difference, not the future
        ({"arrived_home_at": NOW + timedelta(minutes=5)}, []),
        (
            {"ready_for_discharge_at": READY, "planned_discharge_at": oslo(2026, 3, 13, 13)},
            [("planned_before_ready", "planned_discharge")],
        ),
        (
            {"ready_for_discharge_at": READY, "discharged_at": oslo(2026, 3, 12)},
            [("discharge_before_ready", "discharged")],
        ),
        (
            {"short_stay_started_at": oslo(2026, 3, 13, 12)},
            [("short_stay_without_discharge", "short_stay")],
        ),
        (
            {
                "discharged_at": oslo(2026, 3, 13, 12),
                "short_stay_started_at": oslo(2026, 3, 13, 11),
            },
            [("short_stay_before_discharge", "short_stay")],
        ),
        (
            {
                "discharged_at": oslo(2026, 3, 11, 12),
                "short_stay_started_at": oslo(2026, 3, 11, 13),
                "arrived_home_at": oslo(2026, 3, 11, 12, 30),
            },
            [("arrival_before_short_stay", "arrived_home")],
        ),
    ],
)
def test_impossible_times_name_the_rule_and_the_time(
    times: dict[str, datetime], expected: list[tuple[str, str]]
) -> None:
    # given / when / then
    assert errors(**times) == expected


def test_times_compare_as_instants_across_zones() -> None:
    # given: 12:00 UTC is 13:00 in Oslo (winter)
    discharged = datetime(2026, 3, 11, 12, tzinfo=UTC)

    # when / then
    assert errors(discharged_at=discharged, arrived_home_at=oslo(2026, 3, 11, 13)) == []
    assert errors(discharged_at=discharged, arrived_home_at=oslo(2026, 3, 11, 12, 59)) == [
        ("arrival_before_discharge", "arrived_home")
    ]


@pytest.mark.parametrize(
    ("kind", "roles", "register", "correct"),
    [
        (T.READY_FOR_DISCHARGE, {"hospital_nurse"}, True, True),
        (T.READY_FOR_DISCHARGE, {"allocation_office"}, True, True),
        (T.READY_FOR_DISCHARGE, {"primary_contact"}, False, False),
        (T.PLANNED_DISCHARGE, {"hospital_nurse"}, True, True),
        (T.PLANNED_DISCHARGE, {"gp"}, False, False),
        (T.DISCHARGED, {"primary_contact"}, True, True),
        (T.SHORT_STAY, {"allocation_office"}, True, True),
        (T.ARRIVED_HOME, {"primary_contact"}, True, True),
        (T.ARRIVED_HOME, {"hospital_nurse"}, False, False),
        (T.ARRIVED_HOME, {"gp"}, False, False),
        (T.ARRIVED_HOME, {"unit_leader"}, False, True),
        (T.DISCHARGED, {"improvement_member"}, False, False),
    ],
)
def test_who_registers_and_corrects_each_time(
    kind: timeline.TimeKind, roles: set[str], register: bool, correct: bool
) -> None:
    # given / when / then
    assert timeline.may_register(kind, roles) is register
    assert timeline.may_correct(kind, roles) is correct


def test_hph0_follows_the_plan_until_the_discharge_happens() -> None:
    # given: HPH0 "before the patient leaves": 0 hours from the planned discharge
    hph0 = rules.StopPointDefinition(
        code="HPH0",
        title="Utskrivning",
        responsible_role="allocation_office",
        trigger=rules.Trigger.PATHWAY_START,
        anchor=rules.Anchor.PLANNED_DISCHARGE,
        deadline_amount=0,
        deadline_unit=rules.DeadlineUnit.HOURS,
    )
    planned = rules.PathwayAnchors(
        started_at=READY, ready_for_discharge_at=READY, planned_discharge_at=oslo(2026, 3, 16, 12)
    )

    # when: reported ready on Friday, planned discharge Monday 12:00
    [first] = planning.plan_pathway([hph0], planned)
    moved = planning.instance_retimed(
        hph0,
        rules.PathwayAnchors(
            started_at=READY,
            ready_for_discharge_at=READY,
            planned_discharge_at=oslo(2026, 3, 17, 10),
        ),
        triggered_at=first.triggered_at,
    )
    left_early = planning.instance_retimed(
        hph0,
        rules.PathwayAnchors(
            started_at=READY,
            ready_for_discharge_at=READY,
            planned_discharge_at=oslo(2026, 3, 17, 10),
            discharged_at=oslo(2026, 3, 16, 9),
        ),
        triggered_at=first.triggered_at,
    )

    # then: due at the plan, moved with it, and at the discharge once it happened; open from
    # the report on, so it is on the work list while the patient is still in hospital
    assert first.deadline == rules.Deadline.at(oslo(2026, 3, 16, 12))
    assert first.opens_at == READY
    assert moved is not None
    assert moved.deadline == rules.Deadline.at(oslo(2026, 3, 17, 10))
    assert left_early is not None
    assert left_early.deadline == rules.Deadline.at(oslo(2026, 3, 16, 9))
    assert left_early.triggered_at == READY


def test_an_event_stop_point_is_never_retimed() -> None:
    # given
    hph4 = rules.StopPointDefinition(
        code="HPH4",
        title="Fall",
        responsible_role="primary_contact",
        trigger=rules.Trigger.EVENT,
        anchor=rules.Anchor.EVENT,
        deadline_amount=8,
        deadline_unit=rules.DeadlineUnit.HOURS,
        trigger_events=frozenset({rules.EventKind.FALL}),
    )

    # when / then
    assert (
        planning.instance_retimed(hph4, rules.PathwayAnchors(started_at=READY), triggered_at=NOW)
        is None
    )
