"""The pure timing rules: working days, Norwegian holidays, digests, repeats and backoff."""

from __future__ import annotations

from datetime import datetime

import pytest

from forlop.core.tz import OSLO
from forlop.notifications.rules import (
    RuleTiming,
    TriggerKind,
    digest_at,
    first_fire_at,
    next_working_moment,
    retry_at,
    step_due,
)


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=OSLO)


BEFORE_1 = RuleTiming(TriggerKind.BEFORE_DUE, 1)


@pytest.mark.parametrize(
    ("due", "fires"),
    [
        (at(3, 12), at(3, 11, 7)),  # Thursday → Wednesday 07:00
        (at(3, 16), at(3, 13, 7)),  # Monday → Friday
        (at(4, 7), at(4, 1, 7)),  # Tuesday after Easter → Wednesday before Maundy Thursday
        (at(5, 18), at(5, 15, 7)),  # Monday 18 May → Friday 15 (17 May is a Sunday)
    ],
)
def test_the_day_before_is_the_working_day_before(due: datetime, fires: datetime) -> None:
    assert first_fire_at(BEFORE_1, due_at=due) == fires


def test_zero_days_before_a_sunday_deadline_is_friday() -> None:
    assert first_fire_at(RuleTiming(TriggerKind.BEFORE_DUE, 0), due_at=at(3, 15)) == at(3, 13, 7)


@pytest.mark.parametrize(
    ("ends", "delay", "fires"),
    [
        (at(3, 13), 0, at(3, 13, 7)),  # passed at midnight before Friday → Friday 07:00
        (at(3, 13, 10, 30), 0, at(3, 13, 10, 30)),  # an hours deadline in working hours
        (at(3, 14), 0, at(3, 16, 7)),  # passed on Saturday → Monday
        (at(3, 13), 2, at(3, 17, 7)),  # two working days after Friday → Tuesday
        (at(4, 2), 1, at(4, 8, 7)),  # Maundy Thursday → Tuesday 7th; one more → Wednesday
    ],
)
def test_overdue_counts_working_days_after_the_deadline(
    ends: datetime, delay: int, fires: datetime
) -> None:
    assert first_fire_at(RuleTiming(TriggerKind.OVERDUE, delay), ends_at=ends) == fires


def test_an_event_is_news_at_once_whatever_the_day() -> None:
    saturday = at(3, 14, 22, 15)
    timing = RuleTiming(TriggerKind.ADMITTED, 0)
    assert first_fire_at(timing, event_at=saturday) == saturday
    assert first_fire_at(RuleTiming(TriggerKind.ADMITTED, 1), event_at=saturday) == at(3, 16, 7)


def test_a_negative_delay_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        first_fire_at(RuleTiming(TriggerKind.OVERDUE, -1), ends_at=at(3, 13))


def test_next_working_moment() -> None:
    assert next_working_moment(at(3, 13, 6, 59)) == at(3, 13, 7)
    assert next_working_moment(at(3, 13, 7, 1)) == at(3, 13, 7, 1)
    assert next_working_moment(at(12, 25, 9)) == at(12, 28, 7)  # Christmas Day → Monday 28th


@pytest.mark.parametrize(
    ("after", "hour", "sent"),
    [
        (at(3, 11, 9), 15, at(3, 11, 15)),  # later the same day
        (at(3, 11, 16), 15, at(3, 12, 15)),  # the hour has passed: tomorrow
        (at(3, 13, 16), 7, at(3, 16, 7)),  # Friday evening → Monday
        (at(4, 1, 9), 8, at(4, 7, 8)),  # Easter: Wednesday after 08 → Tuesday 7 April
        (at(5, 1, 6), 7, at(5, 4, 7)),  # 1 May (a Friday holiday) → Monday
    ],
)
def test_a_digest_goes_out_on_a_working_day(after: datetime, hour: int, sent: datetime) -> None:
    assert digest_at(after, hour=hour) == sent


def test_a_digest_hour_outside_the_day_is_refused() -> None:
    with pytest.raises(ValueError, match="0–23"):
        digest_at(at(3, 11), hour=25)


def test_repeats_make_only_the_latest_step() -> None:
    timing = RuleTiming(TriggerKind.OVERDUE, 0, repeat_days=2)
    first = at(3, 13, 7)  # Friday
    assert step_due(timing, first, now=at(3, 13, 6)) == (0, first)
    assert step_due(timing, first, now=at(3, 13, 7)) == (1, first)
    assert step_due(timing, first, now=at(3, 17, 6, 59)) == (1, first)
    assert step_due(timing, first, now=at(3, 17, 7)) == (2, at(3, 17, 7))  # Tuesday
    assert step_due(timing, first, now=at(3, 23, 12)) == (4, at(3, 23, 7))
    once = RuleTiming(TriggerKind.OVERDUE, 0)
    assert step_due(once, first, now=at(6, 1)) == (1, first)


def test_retries_back_off_then_stop() -> None:
    now = at(3, 11, 7)
    assert [retry_at(n, now=now) for n in (1, 2, 3, 4, 5)] == [
        at(3, 11, 7, 1),
        at(3, 11, 7, 5),
        at(3, 11, 7, 30),
        at(3, 11, 9),
        None,
    ]
