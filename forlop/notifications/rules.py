"""When a notification falls due, and when an e-mail goes out: pure rules on the working calendar.

No ORM and no clock: every function takes the times it needs. Working days are Monday to Friday
except Norwegian public holidays (``pathways.deadlines.WorkingCalendar``, the ``holidays``
library). A reminder is given at the start of a working day (``WORKDAY_STARTS``), never at
midnight or on a Sunday:

* **before due**, N working days before the deadline's date, at the start of that day (for a
  deadline on Monday with N = 1: Friday, or Thursday when Friday is a holiday);
* **overdue**, N working days after the deadline has passed: from the moment it passed, moved to
  the start of the next working day if that moment is outside one, then N working days on; a
  rule that repeats fires again every R working days (step 2, 3, …);
* **after an event** (a pathway started, an admission), N working days after it; with N = 0 at
  once, whatever the day, because the event itself is news.

A **daily digest** goes out at the recipient's hour on working days: a digest that would fall
on a weekend or a holiday goes out at that hour on the next working day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from forlop.core.tz import OSLO
from forlop.pathways.deadlines import (
    DEFAULT_CALENDAR,
    WorkingCalendar,
    add_working_days,
    ensure_aware,
    working_days_before,
)

WORKDAY_STARTS = time(7, 0)
"""When a reminder of the day is given (Europe/Oslo)."""

MAX_DIGEST_HOUR = 23

BACKOFF_SECONDS: tuple[int, ...] = (60, 300, 1800, 7200)
"""Pause before each retry of a failed send; after the last, the send stays failed."""


class TriggerKind(StrEnum):
    BEFORE_DUE = "before_due"
    OVERDUE = "overdue"
    PATHWAY_STARTED = "pathway_started"
    ADMITTED = "admitted"


@dataclass(frozen=True, slots=True)
class RuleTiming:
    trigger: TriggerKind
    delay_days: int
    repeat_days: int | None = None


def _at(day: date, at: time = WORKDAY_STARTS) -> datetime:
    return datetime.combine(day, at, tzinfo=OSLO)


def _local(instant: datetime) -> datetime:
    return ensure_aware(instant).astimezone(OSLO)


def next_working_moment(
    instant: datetime, calendar: WorkingCalendar = DEFAULT_CALENDAR
) -> datetime:
    """``instant`` if it falls on a working day from ``WORKDAY_STARTS`` on, else the start of
    the next working day (the same day's start when it is a working day and still early)."""
    local = _local(instant)
    day = local.date()
    if calendar.is_working_day(day):
        if local.timetz().replace(tzinfo=None) >= WORKDAY_STARTS:
            return local
        return _at(day)
    return _at(add_working_days(day, 0, calendar))


def first_fire_at(
    timing: RuleTiming,
    *,
    due_at: datetime | None = None,
    ends_at: datetime | None = None,
    event_at: datetime | None = None,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
) -> datetime:
    """When a rule first falls due for one stop point (``due_at``: the deadline, in its local
    date; ``ends_at``: when it has passed) or one event (``event_at``)."""
    if timing.delay_days < 0:
        raise ValueError("delay_days must not be negative")
    if timing.trigger is TriggerKind.BEFORE_DUE:
        if due_at is None:
            raise ValueError("a before-due rule needs the deadline")
        day = working_days_before(_local(due_at).date(), timing.delay_days, calendar)
        if not calendar.is_working_day(day):  # only with 0 days: the deadline's own day
            day = working_days_before(day, 1, calendar)
        return _at(day)
    if timing.trigger is TriggerKind.OVERDUE:
        if ends_at is None:
            raise ValueError("an overdue rule needs the moment the deadline passed")
        start = next_working_moment(ends_at, calendar)
        if timing.delay_days == 0:
            return start
        day = add_working_days(start.date(), timing.delay_days, calendar)
        return _at(day)
    if event_at is None:
        raise ValueError("an event rule needs the event's time")
    if timing.delay_days == 0:
        return _local(event_at)
    return _at(add_working_days(_local(event_at).date(), timing.delay_days, calendar))


def step_due(
    timing: RuleTiming,
    first: datetime,
    *,
    now: datetime,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
) -> tuple[int, datetime]:
    """The latest step due at ``now`` and its moment ((0, first): not yet). Without repeats,
    step 1 from ``first`` on; repeating every R working days, one more step each time. Only the
    latest step is made, so a scheduler that was down does not send the missed ones at once."""
    if now < first:
        return 0, first
    if not timing.repeat_days or timing.trigger is not TriggerKind.OVERDUE:
        return 1, first
    step, moment = 1, first
    while True:
        following = _at(add_working_days(_local(moment).date(), timing.repeat_days, calendar))
        if following > now:
            return step, moment
        step, moment = step + 1, following


def digest_at(
    after: datetime, *, hour: int, calendar: WorkingCalendar = DEFAULT_CALENDAR
) -> datetime:
    """The first digest moment at or after ``after``: ``hour`` o'clock on a working day."""
    if not 0 <= hour <= MAX_DIGEST_HOUR:
        raise ValueError("hour must be 0–23")
    local = _local(after)
    day = local.date()
    while True:
        if calendar.is_working_day(day):
            candidate = _at(day, time(hour))
            if candidate >= local:
                return candidate
        day += timedelta(days=1)


def retry_at(attempts: int, *, now: datetime) -> datetime | None:
    """When to try a failed send again after ``attempts`` tries, or None when it has failed for
    good."""
    if attempts < 1:
        raise ValueError("attempts counts the tries made, from 1")
    if attempts > len(BACKOFF_SECONDS):
        return None
    return now + timedelta(seconds=BACKOFF_SECONDS[attempts - 1])


@dataclass(frozen=True, slots=True)
class EmailCounts:
    """What an e-mail may say: how many of each kind, nothing about whom."""

    before_due: int = 0
    overdue: int = 0
    escalated: int = 0
    pathway_started: int = 0
    admitted: int = 0

    @property
    def total(self) -> int:
        return (
            self.before_due + self.overdue + self.escalated + self.pathway_started + self.admitted
        )
