"""Pure planning rules of the pathway engine: which stop-point instances a pathway start, an
event, a completion or a recurrence creates, with their deadlines; which open instances an
interrupting event interrupts; and what counts as a readmission.

No Django, no ORM and no clock: every function takes the times it needs. The values
(definitions, anchors, planned instances, states) are defined in ``rules``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, timedelta

from forlop.pathways.deadlines import (
    DEFAULT_CALENDAR,
    OSLO,
    InvalidAmountError,
    WorkingCalendar,
    deadline_for,
    ensure_aware,
    utc,
    window_opens_at,
)
from forlop.pathways.rules import (
    Anchor,
    DuplicateStopPointCodeError,
    EventKind,
    InvalidDefinitionError,
    PathwayAnchors,
    PlannedStopPoint,
    StopPointDefinition,
    StopPointState,
    Trigger,
    parse_enum,
    resolve_anchor,
)

__all__ = [
    "instance_retimed",
    "instances_after_completion",
    "instances_for_anchor",
    "instances_for_event",
    "interrupt_open",
    "is_readmission",
    "next_recurrence",
    "plan_instance",
    "plan_pathway",
    "recurrence_instance",
    "should_interrupt",
]


# --------------------------------------------------------------------------------------------
# Planning
# --------------------------------------------------------------------------------------------


def plan_instance(
    definition: StopPointDefinition,
    *,
    triggered_at: datetime,
    anchor_at: datetime,
    occurrence: int = 1,
    event_kind: EventKind | None = None,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
) -> PlannedStopPoint:
    """One instance of ``definition``: deadline from ``anchor_at``, opening from its window.

    For a recurrence, the deadline is ``occurrence * deadline_amount`` units after
    ``anchor_at`` (always counted from the series anchor, so month-end clamping never drifts).
    """
    ensure_aware(triggered_at, "triggered_at")
    ensure_aware(anchor_at, "anchor_at")
    if occurrence < 1:
        raise InvalidAmountError(f"occurrence must be at least 1, got {occurrence!r}.")
    amount = definition.deadline_amount
    if definition.trigger is Trigger.RECURRENCE:
        amount *= occurrence
    deadline = deadline_for(anchor_at, amount, definition.deadline_unit, calendar=calendar)
    opens_at = window_opens_at(
        deadline,
        definition.window_amount,
        definition.effective_window_unit,
        triggered_at=triggered_at,
        calendar=calendar,
    )
    return PlannedStopPoint(
        code=definition.code,
        triggered_at=triggered_at.astimezone(OSLO),
        anchor_at=anchor_at.astimezone(OSLO),
        opens_at=opens_at,
        deadline=deadline,
        occurrence=occurrence,
        event_kind=event_kind,
    )


def _check_unique_codes(definitions: Sequence[StopPointDefinition]) -> None:
    seen: set[str] = set()
    for definition in definitions:
        if definition.code in seen:
            raise DuplicateStopPointCodeError(
                f"Stop point code {definition.code!r} is used more than once in the template."
            )
        seen.add(definition.code)


def _allowed(definition: StopPointDefinition, open_codes: Collection[str]) -> bool:
    return definition.repeats or definition.code not in open_codes


def plan_pathway(
    definitions: Sequence[StopPointDefinition],
    anchors: PathwayAnchors,
    *,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
) -> list[PlannedStopPoint]:
    """The instances to create when a pathway starts, in template order.

    Every definition triggered by ``pathway_start`` gets one instance, and every ``recurrence``
    its first occurrence, all triggered at ``anchors.started_at``. A definition whose anchor is
    not known yet (no discharge, not home yet) is left out; plan it with
    ``instances_for_anchor`` once that time is known.
    """
    _check_unique_codes(definitions)
    planned: list[PlannedStopPoint] = []
    for definition in definitions:
        if definition.trigger not in (Trigger.PATHWAY_START, Trigger.RECURRENCE):
            continue
        anchor_at = resolve_anchor(definition.anchor, anchors)
        if anchor_at is None:
            continue
        planned.append(
            plan_instance(
                definition,
                triggered_at=anchors.started_at,
                anchor_at=anchor_at,
                calendar=calendar,
            )
        )
    return planned


def instances_for_anchor(
    definitions: Sequence[StopPointDefinition],
    anchors: PathwayAnchors,
    anchor: Anchor | str,
    *,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
) -> list[PlannedStopPoint]:
    """The start instances that were waiting for ``anchor``, now that ``anchors`` knows it.

    Call it when the discharge or the arrival home is registered after the pathway started;
    it returns what ``plan_pathway`` would plan for definitions anchored on ``anchor``.
    """
    parsed = parse_enum(Anchor, anchor, "anchor")
    codes = {d.code for d in definitions if d.anchor is parsed}
    return [p for p in plan_pathway(definitions, anchors, calendar=calendar) if p.code in codes]


def instance_retimed(
    definition: StopPointDefinition,
    anchors: PathwayAnchors,
    *,
    triggered_at: datetime,
    occurrence: int = 1,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
) -> PlannedStopPoint | None:
    """An existing start or recurrence instance planned again on corrected ``anchors``.

    Used when a time the pathway is anchored on is registered late or corrected (the hospital
    moves the planned discharge, the arrival home was a day later): the deadline and the time
    it opens follow the new anchor; ``triggered_at`` and ``occurrence`` are kept. None when
    the definition is not planned from the pathway's anchors (an event or a completion
    triggers it) or its anchor is unknown.
    """
    if definition.trigger not in (Trigger.PATHWAY_START, Trigger.RECURRENCE):
        return None
    anchor_at = resolve_anchor(definition.anchor, anchors)
    if anchor_at is None:
        return None
    return plan_instance(
        definition,
        triggered_at=triggered_at,
        anchor_at=anchor_at,
        occurrence=occurrence,
        calendar=calendar,
    )


def instances_for_event(
    definitions: Sequence[StopPointDefinition],
    event_kind: EventKind | str,
    event_time: datetime,
    *,
    anchors: PathwayAnchors | None = None,
    open_codes: Collection[str] = (),
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
) -> list[PlannedStopPoint]:
    """The instances an event opens, in template order.

    Every ``event`` definition whose ``trigger_events`` contains ``event_kind`` gets an
    instance triggered at ``event_time``, unless it does not repeat and its code is in
    ``open_codes``. The anchor ``event`` is ``event_time``; other anchors are taken from
    ``anchors`` and the definition is skipped when its anchor is unknown. Closing the
    instances that were open (for an admission) is a separate step: ``interrupt_open``.
    """
    ensure_aware(event_time, "event_time")
    kind = parse_enum(EventKind, event_kind, "event kind")
    _check_unique_codes(definitions)
    planned: list[PlannedStopPoint] = []
    for definition in definitions:
        if definition.trigger is not Trigger.EVENT or kind not in definition.trigger_events:
            continue
        if not _allowed(definition, open_codes):
            continue
        anchor_at = resolve_anchor(definition.anchor, anchors, event_time=event_time)
        if anchor_at is None:
            continue
        planned.append(
            plan_instance(
                definition,
                triggered_at=event_time,
                anchor_at=anchor_at,
                event_kind=kind,
                calendar=calendar,
            )
        )
    return planned


def instances_after_completion(
    definitions: Sequence[StopPointDefinition],
    completed_code: str,
    completed_at: datetime,
    *,
    anchors: PathwayAnchors | None = None,
    open_codes: Collection[str] = (),
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
) -> list[PlannedStopPoint]:
    """The instances opened by completing the stop point ``completed_code`` at ``completed_at``.

    Every ``after_stop_point`` definition with ``after_code == completed_code`` gets an
    instance triggered at ``completed_at`` (same ``repeats``/``open_codes`` rule and anchor
    resolution as ``instances_for_event``; the anchor ``previous_done`` is ``completed_at``).
    Only completion triggers these: marking a stop point not relevant or interrupting it
    does not.
    """
    ensure_aware(completed_at, "completed_at")
    _check_unique_codes(definitions)
    planned: list[PlannedStopPoint] = []
    for definition in definitions:
        if definition.trigger is not Trigger.AFTER_STOP_POINT:
            continue
        if definition.after_code != completed_code or not _allowed(definition, open_codes):
            continue
        anchor_at = resolve_anchor(definition.anchor, anchors, previous_done_at=completed_at)
        if anchor_at is None:
            continue
        planned.append(
            plan_instance(
                definition, triggered_at=completed_at, anchor_at=anchor_at, calendar=calendar
            )
        )
    return planned


def recurrence_instance(
    definition: StopPointDefinition,
    *,
    anchor_at: datetime,
    occurrence: int,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
) -> PlannedStopPoint:
    """Occurrence ``occurrence`` (1-based) of a recurring definition anchored at ``anchor_at``.

    It is due ``occurrence * interval`` after ``anchor_at`` and triggered when the previous
    period ends: at ``anchor_at`` for the first occurrence and at the previous occurrence's
    ``Deadline.ends_at`` after that. Its window then decides when it opens.
    """
    if definition.trigger is not Trigger.RECURRENCE:
        raise InvalidDefinitionError(f"Stop point {definition.code!r} is not a recurrence.")
    if occurrence == 1:
        triggered_at = anchor_at
    else:
        previous = plan_instance(
            definition,
            triggered_at=anchor_at,
            anchor_at=anchor_at,
            occurrence=occurrence - 1,
            calendar=calendar,
        )
        triggered_at = previous.deadline.ends_at
    return plan_instance(
        definition,
        triggered_at=triggered_at,
        anchor_at=anchor_at,
        occurrence=occurrence,
        calendar=calendar,
    )


def next_recurrence(
    definition: StopPointDefinition,
    previous: PlannedStopPoint,
    *,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
) -> PlannedStopPoint:
    """The occurrence after ``previous`` in the same series (same series anchor)."""
    if previous.code != definition.code:
        raise InvalidDefinitionError(
            f"Instance of {previous.code!r} does not belong to stop point {definition.code!r}."
        )
    return recurrence_instance(
        definition,
        anchor_at=previous.anchor_at,
        occurrence=previous.occurrence + 1,
        calendar=calendar,
    )


# --------------------------------------------------------------------------------------------
# Interruption and readmission
# --------------------------------------------------------------------------------------------


def should_interrupt(state: StopPointState, *, at: datetime) -> bool:
    """Whether an admission (or another interrupting event) at ``at`` interrupts ``state``.

    True for every instance not closed as of ``at`` whose deadline has not passed at ``at``:
    ones due and ones not open yet (which are thereby cancelled). An instance already overdue
    at ``at`` was missed before the event and stays missed: interrupting it would take it out
    of the adherence denominators, so readmitted patients would make adherence look better.
    Instances done, not relevant or already interrupted at or before ``at`` are left alone.
    Pass only instances that existed before the event, not the ones the event itself creates
    (HPH6).
    """
    ensure_aware(at, "at")
    return state.closed_as_of(at) is None and not state.deadline.has_passed_at(at)


def interrupt_open(states: Iterable[StopPointState], *, at: datetime) -> list[StopPointState]:
    """``states`` in the same order, with ``interrupted_at=at`` on those ``should_interrupt``.

    Other states are returned unchanged (the same objects). A completion recorded after
    ``at`` is kept as a fact, but the earlier interruption decides the status.
    """
    return [
        dataclasses.replace(state, interrupted_at=at) if should_interrupt(state, at=at) else state
        for state in states
    ]


def is_readmission(
    previous_discharge_at: datetime | None,
    admission_at: datetime,
    days: int = 30,
) -> bool:
    """Whether an admission is a readmission: within ``days`` days after the previous discharge.

    Counted in calendar dates in Europe/Oslo: the admission must be strictly after the
    discharge instant and its local date at most ``days`` days after the discharge date (so a
    discharge on 1 March and an admission on 31 March, any time of day, is within 30 days).
    No previous discharge gives False.
    """
    ensure_aware(admission_at, "admission_at")
    if previous_discharge_at is None:
        return False
    ensure_aware(previous_discharge_at, "previous_discharge_at")
    if days < 0:
        raise InvalidAmountError(f"days must be a non-negative integer, got {days!r}.")
    if utc(admission_at) <= utc(previous_discharge_at):
        return False
    elapsed = admission_at.astimezone(OSLO).date() - previous_discharge_at.astimezone(OSLO).date()
    return elapsed <= timedelta(days=days)
