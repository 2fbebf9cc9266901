"""Pure domain rules of the pathway engine: statuses, planning, interruption, readmission.

No Django, no ORM and no clock: every function that depends on time takes it as a parameter
(``now``, ``at``, ``event_time``). Deadline arithmetic lives in ``forlop.pathways.deadlines``;
its public names are re-exported here so callers can use one module.

The model
---------
A pathway template has stop-point **definitions** (``StopPointDefinition``). A definition is
*triggered* by the pathway start, by an event, by the completion of another stop point, or by
a recurrence. When its trigger fires it becomes an **instance** (``PlannedStopPoint``) with a
deadline counted from its *anchor* (discharge, arrival home, pathway start, the event, or the
completion it follows) and a time it opens (the window before the deadline). An instance's
recorded facts are a ``StopPointState``; its status is never stored but derived "as of" a
clock time with ``stop_point_status``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import ClassVar, TypeVar

from forlop.pathways.deadlines import (
    DEFAULT_CALENDAR,
    OSLO,
    Deadline,
    DeadlineUnit,
    InvalidAmountError,
    NaiveDatetimeError,
    RuleError,
    UnknownDeadlineUnitError,
    UnknownValueError,
    WorkingCalendar,
    add_working_days,
    deadline_for,
    ensure_aware,
    is_public_holiday,
    parse_deadline_unit,
    utc,
    window_opens_at,
)

__all__ = [
    "CLOSED_STATUSES",
    "DEFAULT_CALENDAR",
    "INTERRUPTING_EVENTS",
    "OPEN_STATUSES",
    "OSLO",
    "Anchor",
    "Deadline",
    "DeadlineUnit",
    "DuplicateStopPointCodeError",
    "EventKind",
    "InvalidAmountError",
    "InvalidDefinitionError",
    "NaiveDatetimeError",
    "PathwayAnchors",
    "PlannedStopPoint",
    "RuleError",
    "StopPointDefinition",
    "StopPointState",
    "StopPointStatus",
    "Trigger",
    "UnknownDeadlineUnitError",
    "UnknownValueError",
    "WorkingCalendar",
    "add_working_days",
    "deadline_for",
    "instances_after_completion",
    "instances_for_anchor",
    "instances_for_event",
    "interrupt_open",
    "is_on_time",
    "is_public_holiday",
    "is_readmission",
    "next_recurrence",
    "plan_instance",
    "plan_pathway",
    "recurrence_instance",
    "resolve_anchor",
    "should_interrupt",
    "stop_point_status",
    "window_opens_at",
]


# --------------------------------------------------------------------------------------------
# Enumerations (the Django models use TextChoices with the same values)
# --------------------------------------------------------------------------------------------


class Trigger(StrEnum):
    """What makes a stop-point definition produce an instance."""

    PATHWAY_START = "pathway_start"
    AFTER_STOP_POINT = "after_stop_point"
    EVENT = "event"
    RECURRENCE = "recurrence"


class Anchor(StrEnum):
    """The time a deadline is counted from."""

    PATHWAY_START = "pathway_start"
    DISCHARGE = "discharge"
    ARRIVAL_HOME = "arrival_home"
    EVENT = "event"
    PREVIOUS_DONE = "previous_done"
    """The completion time of the stop point this one follows (``Trigger.AFTER_STOP_POINT``)."""


class EventKind(StrEnum):
    """Something that happens to the patient during a pathway."""

    ADMISSION = "admission"
    FALL = "fall"
    DECLINE = "decline"
    OUT_OF_HOURS_CONTACT = "out_of_hours_contact"
    RETURN_HOME = "return_home"
    DEATH = "death"
    SERVICES_ENDED = "services_ended"


INTERRUPTING_EVENTS: frozenset[EventKind] = frozenset(
    {EventKind.ADMISSION, EventKind.DEATH, EventKind.SERVICES_ENDED}
)
"""Events that end the patient's stay at home, so open stop points can no longer be done at
home and are interrupted (``interrupt_open``) rather than counted as missed."""


class StopPointStatus(StrEnum):
    """Derived status of a stop-point instance at a clock time (never stored)."""

    NOT_YET_OPEN = "not_yet_open"
    DUE = "due"
    OVERDUE = "overdue"
    DONE = "done"
    DONE_LATE = "done_late"
    NOT_RELEVANT = "not_relevant"
    INTERRUPTED = "interrupted"


OPEN_STATUSES: frozenset[StopPointStatus] = frozenset(
    {StopPointStatus.NOT_YET_OPEN, StopPointStatus.DUE, StopPointStatus.OVERDUE}
)
"""Statuses from which the status can still change as time passes or facts are recorded."""

CLOSED_STATUSES: frozenset[StopPointStatus] = frozenset(
    {
        StopPointStatus.DONE,
        StopPointStatus.DONE_LATE,
        StopPointStatus.NOT_RELEVANT,
        StopPointStatus.INTERRUPTED,
    }
)
"""Final statuses: once reached (as of some ``now``) they hold for every later ``now``."""


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class InvalidDefinitionError(RuleError):
    """A stop-point definition is inconsistent (for example an event trigger without events)."""

    code: ClassVar[str] = "invalid_stop_point_definition"


class DuplicateStopPointCodeError(InvalidDefinitionError):
    """Two definitions in one template share a code."""

    code: ClassVar[str] = "duplicate_stop_point_code"


_E = TypeVar("_E", bound=StrEnum)


def _parse(enum: type[_E], value: object, field_name: str) -> _E:
    try:
        return enum(value)  # type: ignore[arg-type]  # a wrong type is turned into our error below
    except (ValueError, TypeError):
        raise UnknownValueError(field_name, value, [member.value for member in enum]) from None


# --------------------------------------------------------------------------------------------
# Definitions and anchors
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StopPointDefinition:
    """One stop point of a pathway template.

    * ``trigger`` ``pathway_start``: one instance when the pathway starts.
    * ``trigger`` ``event``: one instance per event whose kind is in ``trigger_events``.
    * ``trigger`` ``after_stop_point``: one instance when the stop point ``after_code`` is done.
    * ``trigger`` ``recurrence``: a series; occurrence *k* is due ``k * deadline_amount``
      ``deadline_unit`` after the anchor (every 6 or 12 months, for example).

    The deadline is ``deadline_amount`` ``deadline_unit`` after the ``anchor``. The window
    (``window_amount`` ``window_unit``, unit defaulting to ``deadline_unit``) says how long
    before the deadline the stop point opens; ``window_amount=None`` means it is open from
    the moment it is triggered.

    ``repeats``: whether several instances may be open at once. A non-repeating definition is
    not instantiated again while an instance of it is still open (the callers pass the codes of
    open instances as ``open_codes``); once that instance is closed, a new trigger creates a new
    instance. A repeating one (HPH4 on every fall) gets a new instance for every trigger.

    Strings are accepted for the enum fields (values from the database) and converted; an
    unknown value raises ``UnknownValueError`` (``UnknownDeadlineUnitError`` for units).
    """

    code: str
    title: str
    responsible_role: str
    trigger: Trigger
    anchor: Anchor
    deadline_amount: int
    deadline_unit: DeadlineUnit
    window_amount: int | None = None
    window_unit: DeadlineUnit | None = None
    repeats: bool = False
    trigger_events: frozenset[EventKind] = field(default_factory=frozenset)
    after_code: str | None = None
    checklist: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "trigger", _parse(Trigger, self.trigger, "trigger"))
        set_(self, "anchor", _parse(Anchor, self.anchor, "anchor"))
        set_(self, "deadline_unit", parse_deadline_unit(self.deadline_unit))
        if self.window_unit is not None:
            set_(self, "window_unit", parse_deadline_unit(self.window_unit))
        set_(
            self,
            "trigger_events",
            frozenset(_parse(EventKind, kind, "event kind") for kind in self.trigger_events),
        )
        set_(self, "checklist", tuple(self.checklist))
        self._validate()

    def _validate(self) -> None:
        problems: list[str] = []
        if not self.code.strip():
            problems.append("the code is empty")
        if self.deadline_amount < 0:
            problems.append("the deadline amount is negative")
        if self.window_amount is not None and self.window_amount < 0:
            problems.append("the window amount is negative")
        if (self.trigger is Trigger.EVENT) != bool(self.trigger_events):
            problems.append("trigger_events must be given exactly when the trigger is 'event'")
        if (self.trigger is Trigger.AFTER_STOP_POINT) != bool(self.after_code):
            problems.append(
                "after_code must be given exactly when the trigger is 'after_stop_point'"
            )
        if self.anchor is Anchor.EVENT and self.trigger is not Trigger.EVENT:
            problems.append("the anchor 'event' needs the trigger 'event'")
        if self.anchor is Anchor.PREVIOUS_DONE and self.trigger is not Trigger.AFTER_STOP_POINT:
            problems.append("the anchor 'previous_done' needs the trigger 'after_stop_point'")
        if self.trigger is Trigger.RECURRENCE and self.deadline_amount == 0:
            problems.append("a recurrence needs a positive interval")
        if problems:
            raise InvalidDefinitionError(f"Stop point {self.code!r}: {'; '.join(problems)}.")

    @property
    def effective_window_unit(self) -> DeadlineUnit:
        return self.window_unit if self.window_unit is not None else self.deadline_unit


@dataclass(frozen=True, slots=True)
class PathwayAnchors:
    """The anchor times of one pathway that are known so far.

    ``discharged_at`` is None for a pathway that does not start with a hospital discharge (or
    before the discharge is registered); ``arrived_home_at`` is None until the patient is home.
    For a pathway that starts at home, pass ``arrived_home_at=started_at``.
    """

    started_at: datetime
    discharged_at: datetime | None = None
    arrived_home_at: datetime | None = None

    def __post_init__(self) -> None:
        ensure_aware(self.started_at, "started_at")
        if self.discharged_at is not None:
            ensure_aware(self.discharged_at, "discharged_at")
        if self.arrived_home_at is not None:
            ensure_aware(self.arrived_home_at, "arrived_home_at")


def resolve_anchor(
    anchor: Anchor | str,
    anchors: PathwayAnchors | None,
    *,
    event_time: datetime | None = None,
    previous_done_at: datetime | None = None,
) -> datetime | None:
    """The time ``anchor`` stands for, or None when it is not known (yet).

    There is no fallback between anchors: a definition anchored on the discharge is not
    planned in a pathway without a discharge, and one anchored on the arrival home waits until
    the arrival is known (``instances_for_anchor``).
    """
    parsed = _parse(Anchor, anchor, "anchor")
    if parsed is Anchor.EVENT:
        return event_time
    if parsed is Anchor.PREVIOUS_DONE:
        return previous_done_at
    if anchors is None:
        return None
    if parsed is Anchor.PATHWAY_START:
        return anchors.started_at
    if parsed is Anchor.DISCHARGE:
        return anchors.discharged_at
    return anchors.arrived_home_at


# --------------------------------------------------------------------------------------------
# Instances and their state
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StopPointState:
    """The recorded facts of one stop-point instance (what the database stores).

    * ``opens_at``: when the instance opens (its trigger fired and its window started).
    * ``deadline``: when it must be done.
    * ``completed_at`` / ``not_relevant_at`` / ``interrupted_at``: when it was closed, if it
      was. The reason for "not relevant" is stored elsewhere; it does not affect the status.

    All datetimes must be timezone-aware.
    """

    opens_at: datetime
    deadline: Deadline
    completed_at: datetime | None = None
    not_relevant_at: datetime | None = None
    interrupted_at: datetime | None = None

    def __post_init__(self) -> None:
        ensure_aware(self.opens_at, "opens_at")
        for name in ("completed_at", "not_relevant_at", "interrupted_at"):
            value = getattr(self, name)
            if value is not None:
                ensure_aware(value, name)

    def closed_as_of(self, now: datetime) -> tuple[datetime, StopPointStatus] | None:
        """The first closing fact recorded at or before ``now``, as (time, status kind).

        The earliest of completion, "not relevant" and interruption wins; on a tie completion
        wins, then "not relevant". Facts recorded after ``now`` are ignored.
        """
        now_utc = utc(now)
        candidates: list[tuple[datetime, int, StopPointStatus]] = []
        if self.completed_at is not None and utc(self.completed_at) <= now_utc:
            status = (
                StopPointStatus.DONE
                if self.deadline.is_met_by(self.completed_at)
                else StopPointStatus.DONE_LATE
            )
            candidates.append((utc(self.completed_at), 0, status))
        if self.not_relevant_at is not None and utc(self.not_relevant_at) <= now_utc:
            candidates.append((utc(self.not_relevant_at), 1, StopPointStatus.NOT_RELEVANT))
        if self.interrupted_at is not None and utc(self.interrupted_at) <= now_utc:
            candidates.append((utc(self.interrupted_at), 2, StopPointStatus.INTERRUPTED))
        if not candidates:
            return None
        closed_at, _, status = min(candidates)
        return closed_at, status


@dataclass(frozen=True, slots=True)
class PlannedStopPoint:
    """An instance to create: which definition, why, and its times.

    ``triggered_at`` is when the trigger fired, ``anchor_at`` the time the deadline is counted
    from, ``occurrence`` the 1-based number in a recurrence series (1 otherwise) and
    ``event_kind`` the event that triggered it, if any.
    """

    code: str
    triggered_at: datetime
    anchor_at: datetime
    opens_at: datetime
    deadline: Deadline
    occurrence: int = 1
    event_kind: EventKind | None = None

    def to_state(self) -> StopPointState:
        """The state of the fresh instance (nothing recorded yet)."""
        return StopPointState(opens_at=self.opens_at, deadline=self.deadline)


def stop_point_status(state: StopPointState, *, now: datetime) -> StopPointStatus:
    """The status of an instance as of the clock time ``now``.

    Only facts recorded at or before ``now`` count, so a past period can be reported again with
    the same result. In order:

    1. If a closing fact is recorded at or before ``now`` (see ``StopPointState.closed_as_of``),
       the earliest one decides: completion gives ``done`` when it met the deadline and
       ``done_late`` otherwise; then ``not_relevant``; then ``interrupted``. Completing before
       the window opened counts as ``done``.
    2. Otherwise, before ``opens_at``: ``not_yet_open``.
    3. Otherwise ``due`` while the deadline has not passed (``Deadline.is_met_by(now)``) and
       ``overdue`` after.

    As ``now`` increases the status only moves forward: not_yet_open → due → overdue → a closed
    status, possibly skipping steps, and a closed status never changes again.
    """
    ensure_aware(now, "now")
    closed = state.closed_as_of(now)
    if closed is not None:
        return closed[1]
    if utc(now) < utc(state.opens_at):
        return StopPointStatus.NOT_YET_OPEN
    if state.deadline.is_met_by(now):
        return StopPointStatus.DUE
    return StopPointStatus.OVERDUE


def is_on_time(state: StopPointState, *, now: datetime) -> bool | None:
    """Adherence as of ``now``: True for ``done``, False for ``done_late`` and ``overdue``.

    None when it does not apply: ``not_relevant``, ``interrupted``, or not yet decided
    (``not_yet_open``, ``due``: the deadline has not passed and it is not done). ``now`` is
    required because whether an open stop point was missed depends on the clock; for a closed
    reporting period pass the end of the period.
    """
    status = stop_point_status(state, now=now)
    if status is StopPointStatus.DONE:
        return True
    if status in (StopPointStatus.DONE_LATE, StopPointStatus.OVERDUE):
        return False
    return None


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
    parsed = _parse(Anchor, anchor, "anchor")
    codes = {d.code for d in definitions if d.anchor is parsed}
    return [p for p in plan_pathway(definitions, anchors, calendar=calendar) if p.code in codes]


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
    kind = _parse(EventKind, event_kind, "event kind")
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

    True for every instance not closed as of ``at``: open ones (due or overdue) and ones not
    open yet (which are thereby cancelled). Instances done, not relevant or already
    interrupted at or before ``at`` are left alone. Pass only instances that existed before
    the event, not the ones the event itself creates (HPH6).
    """
    ensure_aware(at, "at")
    return state.closed_as_of(at) is None


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
