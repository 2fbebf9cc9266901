"""The pure episode rules: which episode a scoring belongs to, per-goal pairing within one
episode, and the flags for a meaningful improvement and a decline. No database."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from forlop.core.tz import OSLO
from forlop.goals import rules
from forlop.goals.rules import ChangeFlag, Direction, EpisodeError, EpisodeSpan, Sitting

T0 = datetime(2026, 10, 1, 12, tzinfo=OSLO)


def day(n: int) -> datetime:
    return T0 + timedelta(days=n)


def test_seed_example_pairs_within_the_episode() -> None:
    sittings = [
        Sitting(day(0), {"a": 5, "b": 3, "c": 5}),
        Sitting(day(28), {"a": 10, "b": 5, "c": 10}),
    ]
    result = rules.pair_within_episode(
        sittings, direction=Direction.HIGHER_IS_BETTER, as_of=day(30)
    )
    assert (result.baseline_average, result.latest_average, result.change) == (
        Decimal("4.3"),
        Decimal("8.3"),
        Decimal("4.0"),
    )
    assert result.goals["b"] == rules.GoalPair(3, day(0), 5, day(28), 2)


def test_a_goal_added_later_gets_its_own_baseline() -> None:
    sittings = [
        Sitting(day(0), {"a": 4, "b": 3}),
        Sitting(day(14), {"a": 6, "b": 3, "new": 2}),  # "new" first scored here: its baseline
        Sitting(day(28), {"a": 7, "b": 5, "new": 6}),
    ]
    result = rules.pair_within_episode(
        sittings, direction=Direction.HIGHER_IS_BETTER, as_of=day(30)
    )
    assert result.goals["new"] == rules.GoalPair(2, day(14), 6, day(28), 4)
    assert result.goals["a"].latest == 7  # the latest, not the first follow-up
    # mean of the per-goal changes: (3 + 2 + 4) / 3 = 3.0
    assert result.change == Decimal("3.0")
    assert result.baseline_average == Decimal("3.0")  # (4 + 3 + 2) / 3
    assert result.latest_average == Decimal("6.0")  # (7 + 5 + 6) / 3


def test_a_goal_scored_once_is_baseline_only_and_not_paired() -> None:
    sittings = [Sitting(day(0), {"a": 4}), Sitting(day(10), {"a": 6, "b": 1})]
    result = rules.pair_within_episode(
        sittings, direction=Direction.HIGHER_IS_BETTER, as_of=day(30)
    )
    assert result.paired_goals == frozenset({"a"})
    assert result.baseline_only == frozenset({"b"})
    assert result.change == Decimal("2.0")
    assert result.all_baselines_average == Decimal("2.5")


def test_sittings_after_as_of_are_not_paired() -> None:
    sittings = [Sitting(day(0), {"a": 4}), Sitting(day(10), {"a": 9})]
    early = rules.pair_within_episode(sittings, direction=Direction.HIGHER_IS_BETTER, as_of=day(5))
    assert early.change is None
    assert early.goals["a"] == rules.GoalPair(4, day(0), None, None, None)


def test_lower_is_better_signs_improvement_positive() -> None:
    sittings = [Sitting(day(0), {"a": 8, "b": 6}), Sitting(day(20), {"a": 5, "b": 4})]
    result = rules.pair_within_episode(sittings, direction=Direction.LOWER_IS_BETTER, as_of=day(30))
    assert result.change == Decimal("2.5")
    assert result.goals["a"].change == 3


def test_sittings_are_ordered_by_time_not_by_input_order() -> None:
    sittings = [Sitting(day(20), {"a": 9}, order=2), Sitting(day(0), {"a": 1}, order=1)]
    result = rules.pair_within_episode(
        sittings, direction=Direction.HIGHER_IS_BETTER, as_of=day(30)
    )
    assert (result.goals["a"].baseline, result.goals["a"].latest) == (1, 9)


def test_a_score_outside_0_10_is_refused_in_pairing() -> None:
    with pytest.raises(rules.ScoreError):
        rules.pair_within_episode(
            [Sitting(day(0), {"a": 11})], direction=Direction.HIGHER_IS_BETTER, as_of=day(1)
        )


@pytest.mark.parametrize(
    ("change", "flag"),
    [
        (None, ChangeFlag.NONE),
        (Decimal("2.3"), ChangeFlag.IMPROVED),
        (Decimal("2.2"), ChangeFlag.WITHIN),
        (Decimal("-1.2"), ChangeFlag.WITHIN),
        (Decimal("-1.3"), ChangeFlag.DECLINED),
        (Decimal("-4.0"), ChangeFlag.DECLINED),
    ],
)
def test_change_flag_uses_its_own_decline_threshold(change, flag) -> None:
    assert (
        rules.change_flag(
            change,
            improvement_threshold=Decimal("2.3"),
            decline_threshold=rules.DECLINE_THRESHOLD_DEFAULT,
        )
        is flag
    )


def test_change_flag_refuses_a_zero_threshold() -> None:
    with pytest.raises(ValueError, match="positive"):
        rules.change_flag(
            Decimal(1), improvement_threshold=Decimal(0), decline_threshold=Decimal(1)
        )


def test_the_running_episode_is_the_latest_started_not_ended() -> None:
    spans = [
        EpisodeSpan(1, day(0), day(40)),
        EpisodeSpan(2, day(40)),
        EpisodeSpan(3, day(50)),  # not started yet at day 45
    ]
    assert rules.episode_running(spans, day(45)) == EpisodeSpan(2, day(40))
    assert rules.episode_running(spans, day(60)).key == 3
    assert rules.episode_running(spans[:1], day(45)) is None  # ended
    assert rules.episode_running(spans[:1], day(20)).key == 1


def test_a_closed_episode_takes_no_scoring() -> None:
    span = EpisodeSpan(1, day(0), day(40))
    with pytest.raises(EpisodeError) as exc:
        rules.validate_scoring_in_episode(
            span, scored_on=date(2026, 10, 20), now=day(41), started_on=date(2026, 10, 1)
        )
    assert exc.value.code == EpisodeError.CLOSED
    # still running at day 39
    rules.validate_scoring_in_episode(
        span, scored_on=date(2026, 10, 20), now=day(39), started_on=date(2026, 10, 1)
    )


def test_a_scoring_before_the_episode_started_is_refused() -> None:
    span = EpisodeSpan(1, day(0))
    with pytest.raises(EpisodeError) as exc:
        rules.validate_scoring_in_episode(
            span, scored_on=date(2026, 9, 30), now=day(1), started_on=date(2026, 10, 1)
        )
    assert exc.value.code == EpisodeError.BEFORE_START
    assert exc.value.params == {"date": "01.10.2026"}
    # the same day is fine
    rules.validate_scoring_in_episode(
        span, scored_on=date(2026, 10, 1), now=day(1), started_on=date(2026, 10, 1)
    )
