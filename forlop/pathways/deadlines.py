"""Deadline arithmetic for stop points: hours, calendar days, working days and months.

Pure functions only: no Django, no ORM, and the clock is never read. Every instant is a
timezone-aware ``datetime``; results are expressed in Europe/Oslo.

Definitions used throughout (see ``deadline_for`` and ``window_opens_at``):

* An **hours** deadline is an exact instant: the anchor plus N hours of elapsed time (absolute
  time, so a deadline across a daylight-saving change is still exactly N hours away).
* A **day-based** deadline (calendar days, working days, months) is a whole date in Europe/Oslo.
  It is met by anything done on or before that date, local time. Such a ``Deadline`` is
  ``all_day`` and its ``due_at`` is midnight (00:00 Europe/Oslo) at the *start* of the due date,
  so ``due_at.date()`` is the due date; the deadline expires at ``ends_at``, midnight at the
  *end* of the due date.
* **Working days** are Monday to Friday minus the official Norwegian public holidays
  (``holidays.Norway``, category "public": New Year's Day, Maundy Thursday, Good Friday, Easter
  Sunday and Monday, 1 May, Ascension Day, 17 May, Whit Sunday and Monday, Christmas Day and
  Boxing Day). Christmas Eve and New Year's Eve are *not* public holidays and therefore are
  working days by default; a municipality that closes on them can pass a ``WorkingCalendar`` with
  extra non-working days.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import ClassVar

import holidays

from forlop.core.tz import OSLO

__all__ = [
    "DEFAULT_CALENDAR",
    "OSLO",
    "Deadline",
    "DeadlineUnit",
    "InvalidAmountError",
    "NaiveDatetimeError",
    "RuleError",
    "UnknownDeadlineUnitError",
    "UnknownValueError",
    "WorkingCalendar",
    "add_months",
    "add_working_days",
    "deadline_for",
    "ensure_aware",
    "is_public_holiday",
    "parse_deadline_unit",
    "start_of_day",
    "utc",
    "window_opens_at",
    "working_days_before",
]


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class RuleError(ValueError):
    """Base class for errors raised by the pure pathway rules.

    ``code`` is stable and meant for the UI/CLI to translate; the English message is for logs
    and developers. Messages never contain patient data, only template values.
    """

    code: ClassVar[str] = "rule_error"


class UnknownValueError(RuleError):
    """A string is not one of the values of the expected enumeration."""

    code: ClassVar[str] = "unknown_value"

    def __init__(self, field_name: str, value: object, allowed: Iterable[str]) -> None:
        self.field_name = field_name
        self.value = value
        self.allowed = tuple(allowed)
        super().__init__(
            f"Unknown {field_name} {value!r}; expected one of: {', '.join(self.allowed)}."
        )


class UnknownDeadlineUnitError(UnknownValueError):
    """The deadline (or window) unit is not a ``DeadlineUnit`` value."""

    code: ClassVar[str] = "unknown_deadline_unit"

    def __init__(self, value: object) -> None:
        super().__init__("deadline unit", value, [unit.value for unit in DeadlineUnit])


class InvalidAmountError(RuleError):
    """A deadline or window amount is negative (or not an integer)."""

    code: ClassVar[str] = "invalid_amount"


class NaiveDatetimeError(RuleError):
    """A datetime without a timezone was given where an instant is required."""

    code: ClassVar[str] = "naive_datetime"


# --------------------------------------------------------------------------------------------
# Units and calendars
# --------------------------------------------------------------------------------------------


class DeadlineUnit(StrEnum):
    """Unit of a deadline or window amount."""

    HOURS = "hours"
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    MONTHS = "months"


def parse_deadline_unit(unit: DeadlineUnit | str) -> DeadlineUnit:
    """Return ``unit`` as a ``DeadlineUnit``; raise ``UnknownDeadlineUnitError`` otherwise."""
    try:
        return DeadlineUnit(unit)
    except ValueError:
        raise UnknownDeadlineUnitError(unit) from None


def ensure_aware(value: datetime, name: str = "datetime") -> datetime:
    """Return ``value`` unchanged if it is timezone-aware; raise ``NaiveDatetimeError`` if not."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetimeError(f"{name} must be timezone-aware.")
    return value


def _check_amount(amount: int, name: str) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        raise InvalidAmountError(f"{name} must be a non-negative integer, got {amount!r}.")


@lru_cache(maxsize=256)
def _norwegian_public_holidays(year: int) -> frozenset[date]:
    # include_sundays is passed explicitly: older releases of `holidays` counted every Sunday as
    # a Norwegian holiday by default. Only the official public holidays are wanted here.
    calendar = holidays.country_holidays("NO", years=year, include_sundays=False)
    return frozenset(calendar.keys())


def is_public_holiday(day: date) -> bool:
    """Whether ``day`` is an official Norwegian public holiday (``holidays.Norway``)."""
    return day in _norwegian_public_holidays(day.year)


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    """Which dates are working days.

    Monday to Friday are working days unless they are Norwegian public holidays or listed in
    ``extra_non_working_days`` (for a local decision such as closing on Christmas Eve).
    """

    extra_non_working_days: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        return (
            day.weekday() < 5
            and not is_public_holiday(day)
            and day not in self.extra_non_working_days
        )


DEFAULT_CALENDAR = WorkingCalendar()
"""Official Norwegian public holidays only (Christmas Eve is a working day)."""


def add_working_days(start: date, days: int, calendar: WorkingCalendar = DEFAULT_CALENDAR) -> date:
    """The ``days``-th working day strictly after ``start``.

    ``start`` itself is never counted, whether or not it is a working day: Friday + 1 and
    Saturday + 1 are both the next Monday (if that Monday is a working day). With ``days == 0``
    the result is ``start`` if it is a working day, otherwise the next working day.
    """
    _check_amount(days, "days")
    current = start
    if days == 0:
        while not calendar.is_working_day(current):
            current += timedelta(days=1)
        return current
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if calendar.is_working_day(current):
            remaining -= 1
    return current


def working_days_before(end: date, days: int, calendar: WorkingCalendar = DEFAULT_CALENDAR) -> date:
    """The ``days``-th working day strictly before ``end``; ``end`` itself when ``days == 0``."""
    _check_amount(days, "days")
    current = end
    remaining = days
    while remaining:
        current -= timedelta(days=1)
        if calendar.is_working_day(current):
            remaining -= 1
    return current


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (may be negative).

    The day of the month is kept and clamped to the length of the target month:
    31 January + 1 month is 28 (or 29) February.
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    last = _calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def start_of_day(day: date) -> datetime:
    """Midnight at the start of ``day`` in Europe/Oslo.

    Midnight always exists exactly once in Oslo (daylight-saving changes happen at 02:00/03:00).
    """
    return datetime.combine(day, time(0), tzinfo=OSLO)


def utc(instant: datetime) -> datetime:
    """``instant`` in UTC, for comparisons.

    Python compares two datetimes that share a tzinfo by wall-clock time, ignoring ``fold``, so
    02:30 before and after the autumn DST change would compare equal in Europe/Oslo. Comparing
    in UTC is always exact.
    """
    return ensure_aware(instant).astimezone(UTC)


def _local_date(instant: datetime) -> date:
    return instant.astimezone(OSLO).date()


def _add_hours(instant: datetime, hours: int) -> datetime:
    # Arithmetic on an aware datetime with a ZoneInfo is wall-clock arithmetic in Python; go
    # through UTC so the result is exactly `hours` of elapsed time later.
    return (instant.astimezone(UTC) + timedelta(hours=hours)).astimezone(OSLO)


# --------------------------------------------------------------------------------------------
# Deadlines
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class Deadline:
    """When a stop point must be done.

    * ``all_day=False``: ``due_at`` is the exact due instant. Done at or before ``due_at`` is on
      time; the deadline has passed for any instant strictly after it.
    * ``all_day=True``: the deadline is the whole date ``due_date`` (Europe/Oslo) and ``due_at``
      is midnight at the start of that date. Done at any time on or before that local date is on
      time; the deadline has passed from ``ends_at`` (midnight at the end of the due date).

    Build one with ``deadline_for``, or, when reading stored values back, with ``Deadline.at``
    (a stored instant) or ``Deadline.on_date`` (a stored date).

    Equality and hashing use the UTC instant, so two deadlines in the repeated hour of the
    autumn DST change are told apart (Python compares same-zone datetimes by wall time).
    """

    due_at: datetime
    all_day: bool

    def __post_init__(self) -> None:
        ensure_aware(self.due_at, "due_at")
        local = self.due_at.astimezone(OSLO)
        if self.all_day and local.time() != time(0):
            raise RuleError("An all-day deadline must start at midnight Europe/Oslo.")
        object.__setattr__(self, "due_at", local)

    @classmethod
    def at(cls, instant: datetime) -> Deadline:
        """A deadline at an exact instant."""
        return cls(due_at=ensure_aware(instant, "instant"), all_day=False)

    @classmethod
    def on_date(cls, day: date) -> Deadline:
        """A deadline that is the whole ``day`` in Europe/Oslo."""
        return cls(due_at=start_of_day(day), all_day=True)

    @property
    def due_date(self) -> date:
        """The due date in Europe/Oslo (for an hours deadline, the local date of the instant)."""
        return self.due_at.date()

    @property
    def ends_at(self) -> datetime:
        """The instant the deadline expires.

        For an hours deadline this is ``due_at`` itself (completing exactly then is still on
        time); for an all-day deadline it is midnight at the end of the due date (completing
        exactly then is late). Use it for sorting and for "time left" displays.
        """
        if self.all_day:
            return start_of_day(self.due_date + timedelta(days=1))
        return self.due_at

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Deadline):
            return NotImplemented
        return (utc(self.due_at), self.all_day) == (utc(other.due_at), other.all_day)

    def __hash__(self) -> int:
        return hash((utc(self.due_at), self.all_day))

    def is_met_by(self, instant: datetime) -> bool:
        """Whether something done at ``instant`` is on time."""
        ensure_aware(instant, "instant")
        if self.all_day:
            return _local_date(instant) <= self.due_date
        return utc(instant) <= utc(self.due_at)

    def has_passed_at(self, now: datetime) -> bool:
        """Whether the deadline has passed at ``now`` (the opposite of ``is_met_by``)."""
        return not self.is_met_by(now)


def deadline_for(
    anchor: datetime,
    amount: int,
    unit: DeadlineUnit | str,
    *,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
) -> Deadline:
    """The deadline ``amount`` ``unit`` after ``anchor``.

    * ``hours``: the instant ``anchor + amount`` hours of elapsed time (across a DST change the
      wall-clock difference is one hour more or less).
    * ``calendar_days``: the date ``anchor``'s local date (Europe/Oslo) + ``amount`` days,
      all day. Public holidays are ignored.
    * ``working_days``: the ``amount``-th working day after the anchor's local date (see
      ``add_working_days``; with 0 the anchor date itself or the next working day), all day.
    * ``months``: the anchor's local date + ``amount`` months (clamped to the month's last day),
      all day.

    Raises ``UnknownDeadlineUnitError`` for an unknown unit, ``InvalidAmountError`` for a
    negative amount and ``NaiveDatetimeError`` for a naive anchor.
    """
    ensure_aware(anchor, "anchor")
    parsed = parse_deadline_unit(unit)
    _check_amount(amount, "amount")
    if parsed is DeadlineUnit.HOURS:
        return Deadline.at(_add_hours(anchor, amount))
    day = _local_date(anchor)
    if parsed is DeadlineUnit.CALENDAR_DAYS:
        return Deadline.on_date(day + timedelta(days=amount))
    if parsed is DeadlineUnit.WORKING_DAYS:
        return Deadline.on_date(add_working_days(day, amount, calendar))
    return Deadline.on_date(add_months(day, amount))


def window_opens_at(
    deadline: Deadline,
    amount: int | None,
    unit: DeadlineUnit | str,
    *,
    triggered_at: datetime,
    calendar: WorkingCalendar = DEFAULT_CALENDAR,
) -> datetime:
    """When a stop point becomes due (appears on work lists): the window before its deadline.

    ``amount=None`` means no window: the stop point is open from ``triggered_at``. Otherwise
    the window start counts back from the deadline and is never earlier than ``triggered_at``
    (a stop point cannot open before its trigger fires):

    * ``hours``: ``deadline.due_at`` minus ``amount`` hours of elapsed time. For an all-day
      deadline this counts back from the start of the due date.
    * ``calendar_days``: midnight (Europe/Oslo) starting the date ``amount`` days before the
      due date. So 0 days opens at the start of the due date.
    * ``working_days``: midnight starting the ``amount``-th working day before the due date
      (``working_days_before``); 0 opens at the start of the due date.
    * ``months``: midnight starting the due date minus ``amount`` months.

    The result is therefore never later than ``max(triggered_at, deadline.due_at)``.
    """
    ensure_aware(triggered_at, "triggered_at")
    triggered = triggered_at.astimezone(OSLO)
    if amount is None:
        return triggered
    parsed = parse_deadline_unit(unit)
    _check_amount(amount, "window amount")
    if parsed is DeadlineUnit.HOURS:
        opens = _add_hours(deadline.due_at, -amount)
    elif parsed is DeadlineUnit.CALENDAR_DAYS:
        opens = start_of_day(deadline.due_date - timedelta(days=amount))
    elif parsed is DeadlineUnit.WORKING_DAYS:
        opens = start_of_day(working_days_before(deadline.due_date, amount, calendar))
    else:
        opens = start_of_day(add_months(deadline.due_date, -amount))
    return max(opens, triggered, key=utc)
