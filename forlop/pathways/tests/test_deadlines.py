"""Deadline arithmetic: pure, DB-free (run with ``pytest -p no:django``)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forlop.pathways.deadlines import (
    DEFAULT_CALENDAR,
    OSLO,
    Deadline,
    DeadlineUnit,
    InvalidAmountError,
    NaiveDatetimeError,
    RuleError,
    UnknownDeadlineUnitError,
    WorkingCalendar,
    add_months,
    add_working_days,
    deadline_for,
    is_public_holiday,
    parse_deadline_unit,
    window_opens_at,
    working_days_before,
)


def oslo(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=OSLO)


def elapsed(start: datetime, end: datetime) -> timedelta:
    # Same-zone subtraction in Python is wall-clock; compare real elapsed time in UTC.
    return end.astimezone(UTC) - start.astimezone(UTC)


oslo_instants = st.datetimes(
    min_value=datetime(2020, 1, 1),  # noqa: DTZ001  # bounds for hypothesis; zone added below
    max_value=datetime(2035, 12, 31),  # noqa: DTZ001
    timezones=st.just(OSLO),
    allow_imaginary=False,
)


# --- public holidays and working days --------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 1), True),  # New Year's Day
        (date(2026, 4, 1), False),  # Wednesday before Easter
        (date(2026, 4, 2), True),  # Maundy Thursday
        (date(2026, 4, 3), True),  # Good Friday
        (date(2026, 4, 4), False),  # Easter Saturday is not a public holiday
        (date(2026, 4, 5), True),  # Easter Sunday
        (date(2026, 4, 6), True),  # Easter Monday
        (date(2026, 5, 1), True),  # Labour Day
        (date(2026, 5, 14), True),  # Ascension Day
        (date(2026, 5, 17), True),  # Constitution Day
        (date(2026, 5, 25), True),  # Whit Monday
        (date(2026, 12, 24), False),  # Christmas Eve: not an official public holiday
        (date(2026, 12, 25), True),  # Christmas Day
        (date(2026, 12, 26), True),  # Boxing Day
        (date(2026, 12, 31), False),  # New Year's Eve
        (date(2026, 3, 29), False),  # an ordinary Sunday is a weekend day, not a holiday
    ],
)
def test_is_public_holiday_follows_official_norwegian_holidays(day: date, expected: bool) -> None:
    # given / when / then
    assert is_public_holiday(day) is expected


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (date(2026, 3, 30), 1, date(2026, 3, 31)),  # Monday → Tuesday
        (date(2026, 3, 27), 1, date(2026, 3, 30)),  # Friday → Monday
        (date(2026, 3, 28), 1, date(2026, 3, 30)),  # Saturday → Monday
        (date(2026, 3, 29), 1, date(2026, 3, 30)),  # Sunday → Monday
        (date(2026, 3, 28), 0, date(2026, 3, 30)),  # Saturday, 0 days → next working day
        (date(2026, 3, 30), 0, date(2026, 3, 30)),  # working day, 0 days → itself
        # Easter 2026: 2, 3 and 6 April are public holidays, 4 and 5 April a weekend.
        (date(2026, 4, 1), 1, date(2026, 4, 7)),
        (date(2026, 4, 1), 2, date(2026, 4, 8)),
        (date(2026, 3, 28), 3, date(2026, 4, 1)),
        (date(2026, 3, 28), 4, date(2026, 4, 7)),
        (date(2026, 4, 2), 0, date(2026, 4, 7)),  # Maundy Thursday, 0 days
        # Ascension Day (Thu 14 May) and Whit Monday (25 May).
        (date(2026, 5, 13), 1, date(2026, 5, 15)),
        (date(2026, 5, 22), 1, date(2026, 5, 26)),
        # 1 May 2026 is a Friday.
        (date(2026, 4, 30), 1, date(2026, 5, 4)),
        # Christmas 2026: Thu 24 Dec is a working day; Fri 25 and Sat 26 Dec are holidays.
        (date(2026, 12, 23), 1, date(2026, 12, 24)),
        (date(2026, 12, 23), 2, date(2026, 12, 28)),
        (date(2026, 12, 31), 1, date(2027, 1, 4)),  # 1 Jan 2027 (Fri) is a holiday
    ],
)
def test_add_working_days(start: date, days: int, expected: date) -> None:
    # given / when
    result = add_working_days(start, days)

    # then
    assert result == expected


def test_christmas_eve_can_be_closed_by_a_local_calendar() -> None:
    # given
    closed_on_christmas_eve = WorkingCalendar(
        extra_non_working_days=frozenset({date(2026, 12, 24)})
    )

    # when
    default = add_working_days(date(2026, 12, 23), 1)
    local = add_working_days(date(2026, 12, 23), 1, closed_on_christmas_eve)

    # then
    assert default == date(2026, 12, 24)
    assert local == date(2026, 12, 28)


@pytest.mark.parametrize(
    ("end", "days", "expected"),
    [
        (date(2026, 4, 7), 0, date(2026, 4, 7)),
        (date(2026, 4, 7), 1, date(2026, 4, 1)),
        (date(2026, 4, 7), 2, date(2026, 3, 31)),
        (date(2026, 3, 30), 1, date(2026, 3, 27)),
        (date(2026, 12, 28), 1, date(2026, 12, 24)),
    ],
)
def test_working_days_before(end: date, days: int, expected: date) -> None:
    # given / when / then
    assert working_days_before(end, days) == expected


@given(start=st.dates(date(2020, 1, 1), date(2035, 12, 31)), days=st.integers(1, 300))
def test_add_working_days_counts_exactly_n_working_days(start: date, days: int) -> None:
    # given / when
    result = add_working_days(start, days)

    # then
    assert DEFAULT_CALENDAR.is_working_day(result)
    span = [start + timedelta(days=i) for i in range(1, (result - start).days + 1)]
    assert sum(DEFAULT_CALENDAR.is_working_day(d) for d in span) == days


@given(start=st.dates(date(2020, 1, 1), date(2035, 12, 31)), days=st.integers(0, 300))
def test_working_days_before_inverts_add_working_days_on_working_days(
    start: date, days: int
) -> None:
    # given
    working_start = add_working_days(start, 0)

    # when
    result = working_days_before(add_working_days(working_start, days), days)

    # then
    assert result == working_start


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 8, 31), 12, date(2027, 8, 31)),
        (date(2026, 3, 15), -3, date(2025, 12, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(day: date, months: int, expected: date) -> None:
    # given / when / then
    assert add_months(day, months) == expected


# --- deadline_for ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("anchor", "amount", "unit", "expected"),
    [
        # calendar days ignore holidays: Wednesday before Easter + 3 days is Easter Saturday
        (oslo(2026, 4, 1, 15, 0), 3, "calendar_days", Deadline.on_date(date(2026, 4, 4))),
        (oslo(2026, 12, 22, 8, 0), 3, "calendar_days", Deadline.on_date(date(2026, 12, 25))),
        (oslo(2026, 3, 27, 23, 59), 0, "calendar_days", Deadline.on_date(date(2026, 3, 27))),
        # working days skip Easter and Christmas
        (oslo(2026, 4, 1, 15, 0), 3, "working_days", Deadline.on_date(date(2026, 4, 9))),
        (oslo(2026, 12, 23, 8, 0), 2, "working_days", Deadline.on_date(date(2026, 12, 28))),
        # a working-day deadline anchored on a Saturday
        (oslo(2026, 3, 28, 14, 0), 1, "working_days", Deadline.on_date(date(2026, 3, 30))),
        (oslo(2026, 3, 28, 14, 0), 5, "working_days", Deadline.on_date(date(2026, 4, 8))),
        # months
        (oslo(2026, 8, 31, 10, 0), 6, "months", Deadline.on_date(date(2027, 2, 28))),
        (oslo(2026, 3, 27, 10, 0), 12, DeadlineUnit.MONTHS, Deadline.on_date(date(2027, 3, 27))),
        # hours
        (oslo(2026, 4, 2, 10, 0), 3, "hours", Deadline.at(oslo(2026, 4, 2, 13, 0))),
        (oslo(2026, 4, 2, 10, 0), 0, DeadlineUnit.HOURS, Deadline.at(oslo(2026, 4, 2, 10, 0))),
    ],
)
def test_deadline_for(
    anchor: datetime, amount: int, unit: DeadlineUnit | str, expected: Deadline
) -> None:
    # given / when
    result = deadline_for(anchor, amount, unit)

    # then
    assert result == expected
    assert result.all_day is expected.all_day


@pytest.mark.parametrize(
    ("anchor", "hours", "expected_local", "expected_utc"),
    [
        # spring forward: Sunday 29 March 2026, 02:00 CET → 03:00 CEST
        (oslo(2026, 3, 29, 1, 30), 3, oslo(2026, 3, 29, 5, 30), datetime(2026, 3, 29, 3, 30, tzinfo=UTC)),
        (oslo(2026, 3, 28, 12, 0), 24, oslo(2026, 3, 29, 13, 0), datetime(2026, 3, 29, 11, 0, tzinfo=UTC)),
        # fall back: Sunday 25 October 2026, 03:00 CEST → 02:00 CET
        (oslo(2026, 10, 25, 1, 30), 3, oslo(2026, 10, 25, 3, 30), datetime(2026, 10, 25, 2, 30, tzinfo=UTC)),
        (oslo(2026, 10, 24, 12, 0), 24, oslo(2026, 10, 25, 11, 0), datetime(2026, 10, 25, 10, 0, tzinfo=UTC)),
    ],
)  # fmt: skip
def test_hours_deadline_is_elapsed_time_across_dst(
    anchor: datetime, hours: int, expected_local: datetime, expected_utc: datetime
) -> None:
    # given / when
    deadline = deadline_for(anchor, hours, DeadlineUnit.HOURS)

    # then
    assert deadline.due_at.astimezone(UTC) == expected_utc
    assert deadline.due_at.replace(tzinfo=None) == expected_local.replace(tzinfo=None)
    assert elapsed(anchor, deadline.due_at) == timedelta(hours=hours)
    assert deadline.all_day is False


def test_hours_deadlines_in_the_repeated_autumn_hour_are_distinct() -> None:
    # given: 01:30 CEST on 25 October 2026; the wall clock shows 02:30 twice that night
    anchor = datetime(2026, 10, 24, 23, 30, tzinfo=UTC)

    # when
    first = deadline_for(anchor, 1, "hours")  # 02:30 CEST = 00:30 UTC
    second = deadline_for(anchor, 2, "hours")  # 02:30 CET = 01:30 UTC

    # then
    assert first.due_at.replace(tzinfo=None) == second.due_at.replace(tzinfo=None)
    assert (first.due_at.fold, second.due_at.fold) == (0, 1)
    assert first != second
    assert len({first, second}) == 2
    between = datetime(2026, 10, 25, 1, 0, tzinfo=UTC).astimezone(OSLO)  # 02:00 CET
    assert first.has_passed_at(between)
    assert second.is_met_by(between)


def test_calendar_day_deadline_uses_the_oslo_date_of_the_anchor() -> None:
    # given: 22:30 UTC on 31 March is 00:30 on 1 April in Oslo
    anchor = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)

    # when
    deadline = deadline_for(anchor, 3, DeadlineUnit.CALENDAR_DAYS)

    # then
    assert deadline.due_date == date(2026, 4, 4)


@pytest.mark.parametrize(
    ("instant", "met"),
    [
        (oslo(2026, 4, 4, 0, 0), True),
        (oslo(2026, 4, 4, 23, 59, 59, 999999), True),
        (oslo(2026, 4, 5, 0, 0), False),
        (datetime(2026, 4, 4, 21, 59, tzinfo=UTC), True),  # 23:59 CEST
        (datetime(2026, 4, 4, 22, 0, tzinfo=UTC), False),  # midnight CEST
        (oslo(2026, 3, 1, 12, 0), True),
    ],
)
def test_all_day_deadline_is_met_until_the_end_of_the_due_date(
    instant: datetime, met: bool
) -> None:
    # given
    deadline = Deadline.on_date(date(2026, 4, 4))

    # when / then
    assert deadline.is_met_by(instant) is met
    assert deadline.has_passed_at(instant) is not met
    assert deadline.ends_at == oslo(2026, 4, 5, 0, 0)
    assert deadline.due_at == oslo(2026, 4, 4, 0, 0)


def test_hours_deadline_is_met_at_the_due_instant_and_passed_just_after() -> None:
    # given
    deadline = Deadline.at(oslo(2026, 4, 2, 13, 0))

    # when / then
    assert deadline.is_met_by(oslo(2026, 4, 2, 13, 0))
    assert deadline.has_passed_at(oslo(2026, 4, 2, 13, 0, 0, 1))
    assert deadline.ends_at == deadline.due_at


@given(anchor=oslo_instants, amount=st.integers(0, 2000))
def test_hours_deadline_property(anchor: datetime, amount: int) -> None:
    # given / when
    deadline = deadline_for(anchor, amount, DeadlineUnit.HOURS)

    # then
    assert elapsed(anchor, deadline.due_at) == timedelta(hours=amount)
    assert deadline.due_at.tzinfo is OSLO


@given(anchor=oslo_instants, amount=st.integers(0, 400))
def test_calendar_days_deadline_property(anchor: datetime, amount: int) -> None:
    # given / when
    deadline = deadline_for(anchor, amount, DeadlineUnit.CALENDAR_DAYS)

    # then
    assert deadline.all_day
    assert (deadline.due_date - anchor.date()).days == amount
    assert deadline.is_met_by(anchor)


@given(anchor=oslo_instants, amount=st.integers(0, 100))
def test_working_days_deadline_property(anchor: datetime, amount: int) -> None:
    # given / when
    deadline = deadline_for(anchor, amount, DeadlineUnit.WORKING_DAYS)
    later = deadline_for(anchor, amount + 1, DeadlineUnit.WORKING_DAYS)

    # then
    assert deadline.all_day
    assert DEFAULT_CALENDAR.is_working_day(deadline.due_date)
    assert deadline.due_date >= anchor.date()
    # 0 and 1 working days from a non-working day both give the next working day
    assert later.due_date > deadline.due_date or (
        amount == 0 and not DEFAULT_CALENDAR.is_working_day(anchor.date())
    )


@pytest.mark.parametrize("unit", ["weeks", "", "HOURS", "days", "working days"])
def test_unknown_deadline_unit_raises_with_a_stable_code(unit: str) -> None:
    # given
    anchor = oslo(2026, 4, 1, 10, 0)

    # when
    with pytest.raises(UnknownDeadlineUnitError) as excinfo:
        deadline_for(anchor, 3, unit)

    # then
    assert excinfo.value.code == "unknown_deadline_unit"
    assert excinfo.value.value == unit
    assert isinstance(excinfo.value, ValueError)
    assert isinstance(excinfo.value, RuleError)
    assert "calendar_days" in str(excinfo.value)


def test_unknown_window_unit_raises_with_a_stable_code() -> None:
    # given
    deadline = Deadline.on_date(date(2026, 4, 4))

    # when / then
    with pytest.raises(UnknownDeadlineUnitError) as excinfo:
        window_opens_at(deadline, 1, "fortnights", triggered_at=oslo(2026, 4, 1, 0, 0))
    assert excinfo.value.code == "unknown_deadline_unit"


@pytest.mark.parametrize("amount", [-1, -100])
def test_negative_amount_raises(amount: int) -> None:
    # given / when / then
    with pytest.raises(InvalidAmountError) as excinfo:
        deadline_for(oslo(2026, 4, 1, 10, 0), amount, "calendar_days")
    assert excinfo.value.code == "invalid_amount"


def test_naive_anchor_raises() -> None:
    # given
    naive = datetime(2026, 4, 1, 10, 0)  # noqa: DTZ001  # deliberately naive

    # when / then
    with pytest.raises(NaiveDatetimeError) as excinfo:
        deadline_for(naive, 1, "hours")
    assert excinfo.value.code == "naive_datetime"


def test_all_day_deadline_must_start_at_midnight() -> None:
    # given / when / then
    with pytest.raises(RuleError):
        Deadline(due_at=oslo(2026, 4, 4, 12, 0), all_day=True)


def test_parse_deadline_unit_accepts_values_and_members() -> None:
    # given / when / then
    assert parse_deadline_unit("working_days") is DeadlineUnit.WORKING_DAYS
    assert parse_deadline_unit(DeadlineUnit.MONTHS) is DeadlineUnit.MONTHS
    assert [u.value for u in DeadlineUnit] == ["hours", "calendar_days", "working_days", "months"]


# --- windows ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("deadline", "amount", "unit", "triggered_at", "expected"),
    [
        # no window: open from the trigger
        (Deadline.on_date(date(2026, 4, 24)), None, "calendar_days", oslo(2026, 3, 27, 9, 0), oslo(2026, 3, 27, 9, 0)),
        # 7 calendar days before a 28-day deadline
        (Deadline.on_date(date(2026, 4, 24)), 7, "calendar_days", oslo(2026, 3, 27, 9, 0), oslo(2026, 4, 17, 0, 0)),
        # 0 days: opens at the start of the due date
        (Deadline.on_date(date(2026, 4, 24)), 0, "calendar_days", oslo(2026, 3, 27, 9, 0), oslo(2026, 4, 24, 0, 0)),
        # working days skip Easter: 2 working days before Tue 7 April 2026 is Tue 31 March
        (Deadline.on_date(date(2026, 4, 7)), 2, "working_days", oslo(2026, 3, 20, 9, 0), oslo(2026, 3, 31, 0, 0)),
        # an hours window across the spring DST change is elapsed time
        (Deadline.at(oslo(2026, 3, 29, 5, 30)), 4, "hours", oslo(2026, 3, 28, 9, 0), oslo(2026, 3, 29, 0, 30)),
        # an hours window on an all-day deadline counts back from the start of the due date
        (Deadline.on_date(date(2026, 4, 10)), 12, "hours", oslo(2026, 3, 27, 9, 0), oslo(2026, 4, 9, 12, 0)),
        # months
        (Deadline.on_date(date(2026, 3, 31)), 1, "months", oslo(2025, 3, 31, 9, 0), oslo(2026, 2, 28, 0, 0)),
        # a window reaching back before the trigger opens at the trigger
        (Deadline.on_date(date(2026, 3, 30)), 14, "calendar_days", oslo(2026, 3, 27, 9, 0), oslo(2026, 3, 27, 9, 0)),
    ],
)  # fmt: skip
def test_window_opens_at(
    deadline: Deadline,
    amount: int | None,
    unit: str,
    triggered_at: datetime,
    expected: datetime,
) -> None:
    # given / when
    result = window_opens_at(deadline, amount, unit, triggered_at=triggered_at)

    # then
    assert result.astimezone(UTC) == expected.astimezone(UTC)


@given(
    anchor=oslo_instants,
    amount=st.integers(0, 60),
    unit=st.sampled_from(list(DeadlineUnit)),
    window=st.none() | st.integers(0, 60),
    window_unit=st.sampled_from(list(DeadlineUnit)),
    lag=st.integers(-1000, 1000),
)
def test_window_never_opens_before_the_trigger_nor_after_the_deadline(
    anchor: datetime,
    amount: int,
    unit: DeadlineUnit,
    window: int | None,
    window_unit: DeadlineUnit,
    lag: int,
) -> None:
    # given
    deadline = deadline_for(anchor, amount, unit)
    triggered_at = (anchor.astimezone(UTC) + timedelta(hours=lag)).astimezone(OSLO)

    # when
    opens = window_opens_at(deadline, window, window_unit, triggered_at=triggered_at)

    # then
    assert opens.astimezone(UTC) >= triggered_at.astimezone(UTC)
    latest = max(triggered_at.astimezone(UTC), deadline.due_at.astimezone(UTC))
    assert opens.astimezone(UTC) <= latest
