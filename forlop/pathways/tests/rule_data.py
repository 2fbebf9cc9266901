"""Rule values shared by the pure rule tests: Oslo times and the HPH default definitions."""

from __future__ import annotations

from datetime import date, datetime

from forlop.pathways.rules import (
    OSLO,
    Anchor,
    Deadline,
    DeadlineUnit,
    EventKind,
    PlannedStopPoint,
    StopPointDefinition,
    StopPointState,
    Trigger,
)


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


# The HPH default numbers (the Mid-Norway HPH model). HPH5R is the yearly review after the first four weeks.
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


# Opens 1 April, due all day 3 April 2026.
BASE = StopPointState(opens_at=oslo(2026, 4, 1), deadline=Deadline.on_date(date(2026, 4, 3)))
