"""Pure domain rules of the pathway engine: definitions, anchors, instances and their statuses.

Planning (which instances a start, an event or a completion creates), interruption and
readmission are in ``planning``, on the values defined here.

No Django, no ORM and no clock: every function that depends on time takes it as a parameter
(``now``, ``at``, ``event_time``). Deadline arithmetic lives in ``forlop.pathways.deadlines``
and the IPLOS function score in ``forlop.pathways.function_scores``; their public names are
re-exported here so callers can use one module.

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

from dataclasses import dataclass, field
from datetime import datetime
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
from forlop.pathways.function_scores import (
    IPLOS_HIGHEST,
    IPLOS_LOWEST,
    FunctionScoreChange,
    ScoreTrend,
)

__all__ = [
    "CLOSED_STATUSES",
    "DEFAULT_CALENDAR",
    "INTERRUPTING_EVENTS",
    "IPLOS_HIGHEST",
    "IPLOS_LOWEST",
    "OPEN_STATUSES",
    "OSLO",
    "Anchor",
    "Deadline",
    "DeadlineUnit",
    "DuplicateStopPointCodeError",
    "EventKind",
    "FunctionScoreChange",
    "InvalidAmountError",
    "InvalidDefinitionError",
    "NaiveDatetimeError",
    "PathwayAnchors",
    "PlannedStopPoint",
    "RuleError",
    "ScoreTrend",
    "StopPointDefinition",
    "StopPointState",
    "StopPointStatus",
    "Trigger",
    "UnknownDeadlineUnitError",
    "UnknownValueError",
    "WorkingCalendar",
    "add_working_days",
    "deadline_for",
    "is_on_time",
    "is_public_holiday",
    "parse_enum",
    "resolve_anchor",
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
    READY_FOR_DISCHARGE = "ready_for_discharge"
    """When the hospital reported the patient ready for discharge (utskrivningsklar)."""
    PLANNED_DISCHARGE = "planned_discharge"
    """When the patient leaves hospital: the planned discharge, or the discharge once it is
    registered (HPH0 "before the patient leaves", HPH1 "by the day of discharge")."""
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
    NURSING_HOME = "nursing_home"


INTERRUPTING_EVENTS: frozenset[EventKind] = frozenset(
    {EventKind.ADMISSION, EventKind.DEATH, EventKind.SERVICES_ENDED, EventKind.NURSING_HOME}
)
"""Events that end the patient's stay at home, so stop points not yet due can no longer be
done at home and are interrupted (``interrupt_open``); one already overdue stays missed."""


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


def parse_enum(enum: type[_E], value: object, field_name: str) -> _E:
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
    parts: tuple[str, ...] = ()
    """The roles of the parts other roles complete (the owner is ``responsible_role``)."""

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "trigger", parse_enum(Trigger, self.trigger, "trigger"))
        set_(self, "anchor", parse_enum(Anchor, self.anchor, "anchor"))
        set_(self, "deadline_unit", parse_deadline_unit(self.deadline_unit))
        if self.window_unit is not None:
            set_(self, "window_unit", parse_deadline_unit(self.window_unit))
        set_(
            self,
            "trigger_events",
            frozenset(parse_enum(EventKind, kind, "event kind") for kind in self.trigger_events),
        )
        set_(self, "checklist", tuple(self.checklist))
        set_(self, "parts", tuple(self.parts))
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
        if any(not role for role in self.parts) or len(set(self.parts)) != len(self.parts):
            problems.append("each part needs its own role")
        if self.responsible_role in self.parts:
            problems.append("a part cannot have the owner's role")
        if problems:
            raise InvalidDefinitionError(f"Stop point {self.code!r}: {'; '.join(problems)}.")

    @property
    def effective_window_unit(self) -> DeadlineUnit:
        return self.window_unit if self.window_unit is not None else self.deadline_unit


@dataclass(frozen=True, slots=True)
class PathwayAnchors:
    """The anchor times of one pathway that are known so far.

    ``ready_for_discharge_at`` and ``planned_discharge_at`` come with the hospital's report that
    the patient is ready for discharge; ``discharged_at`` is None for a pathway that does not
    start with a hospital discharge (or before the discharge is registered); ``arrived_home_at``
    is None until the patient is home (after a short stay, too). For a pathway that starts at
    home, pass ``arrived_home_at=started_at``.
    """

    started_at: datetime
    discharged_at: datetime | None = None
    arrived_home_at: datetime | None = None
    ready_for_discharge_at: datetime | None = None
    planned_discharge_at: datetime | None = None

    def __post_init__(self) -> None:
        ensure_aware(self.started_at, "started_at")
        for name in (
            "discharged_at",
            "arrived_home_at",
            "ready_for_discharge_at",
            "planned_discharge_at",
        ):
            value = getattr(self, name)
            if value is not None:
                ensure_aware(value, name)

    @property
    def leaves_hospital_at(self) -> datetime | None:
        """The discharge once registered, else the planned discharge (``Anchor.PLANNED_DISCHARGE``)."""
        return self.discharged_at if self.discharged_at is not None else self.planned_discharge_at


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
    parsed = parse_enum(Anchor, anchor, "anchor")
    if parsed is Anchor.EVENT:
        return event_time
    if parsed is Anchor.PREVIOUS_DONE:
        return previous_done_at
    if anchors is None:
        return None
    if parsed is Anchor.PATHWAY_START:
        return anchors.started_at
    if parsed is Anchor.READY_FOR_DISCHARGE:
        return anchors.ready_for_discharge_at
    if parsed is Anchor.PLANNED_DISCHARGE:
        return anchors.leaves_hospital_at
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
