"""Tests for forlop.goals.rules ("Hva er viktig for deg?" scoring). No database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import django
import pytest
from django.conf import settings
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from forlop.goals.rules import (
    MID_LARGE,
    MID_MEDIUM,
    MID_SMALL,
    MID_SOURCE,
    Direction,
    GoalCountError,
    ScoreError,
    ScoringDateError,
    average,
    change,
    compare,
    is_meaningful,
    round_one_decimal,
    validate_follow_up_after_baseline,
    validate_goal_count,
    validate_score,
)

if not settings.configured:
    # Run without pytest-django (-p no:django): just enough for lazy translations.
    settings.configure(USE_I18N=True, LANGUAGE_CODE="en")
    django.setup()

HIGHER = Direction.HIGHER_IS_BETTER
LOWER = Direction.LOWER_IS_BETTER
quick = hypothesis_settings(database=None, deadline=None)

# Seed 001: get home, get stronger in the right foot, get rid of the oxygen.
SEED_BASELINE = {"home": 5, "right_foot": 3, "oxygen": 5}
SEED_FOLLOW_UP = {"home": 10, "right_foot": 5, "oxygen": 10}


# --- the worked example ---------------------------------------------------------------------


def test_seed_example_averages() -> None:
    assert average(SEED_BASELINE) == Decimal("4.3")
    assert average(SEED_FOLLOW_UP) == Decimal("8.3")


def test_seed_example_change_is_computed_from_unrounded_averages() -> None:
    result = change(SEED_BASELINE, SEED_FOLLOW_UP, direction=HIGHER)
    assert result == Decimal("4.0")
    assert str(result) == "4.0"


def test_seed_example_comparison() -> None:
    comparison = compare(SEED_BASELINE, SEED_FOLLOW_UP, direction=HIGHER)
    assert comparison.baseline_average == Decimal("4.3")
    assert comparison.follow_up_average == Decimal("8.3")
    assert comparison.paired_baseline_average == Decimal("4.3")
    assert comparison.paired_follow_up_average == Decimal("8.3")
    assert comparison.change == Decimal("4.0")
    assert comparison.paired_goals == frozenset(SEED_BASELINE)
    assert comparison.is_fully_paired
    assert is_meaningful(comparison.change, MID_LARGE)


def test_change_is_rounded_once_from_unrounded_averages() -> None:
    # Averages 1/3 (shown 0.3) and 2/3 (shown 0.7): the change is 1/3 -> 0.3, not 0.7 - 0.3.
    comparison = compare({"a": 1, "b": 0, "c": 0}, {"a": 1, "b": 1, "c": 0}, direction=HIGHER)
    assert comparison.baseline_average == Decimal("0.3")
    assert comparison.follow_up_average == Decimal("0.7")
    assert comparison.change == Decimal("0.3")


def test_half_up_rounding() -> None:
    assert average({"a": 4, "b": 5, "c": 5, "d": 5}) == Decimal("4.8")  # 4.75
    assert average({"a": 0, "b": 0, "c": 0, "d": 1}) == Decimal("0.3")  # 0.25
    assert average({"a": 7, "b": 8}) == Decimal("7.5")
    assert round_one_decimal(Fraction(-1, 4)) == Decimal("-0.3")  # away from zero on a tie
    assert round_one_decimal(Fraction(5)) == Decimal("5.0")


# --- direction ------------------------------------------------------------------------------


def test_reversed_direction_gives_the_same_sign_for_the_same_improvement() -> None:
    mirrored_baseline = {goal: 10 - score for goal, score in SEED_BASELINE.items()}
    mirrored_follow_up = {goal: 10 - score for goal, score in SEED_FOLLOW_UP.items()}
    assert change(mirrored_baseline, mirrored_follow_up, direction=LOWER) == Decimal("4.0")
    # Averages stay in the form's own direction.
    comparison = compare(mirrored_baseline, mirrored_follow_up, direction=LOWER)
    assert comparison.baseline_average == Decimal("5.7")
    assert comparison.follow_up_average == Decimal("1.7")


def test_worsening_is_negative_in_both_directions() -> None:
    assert change({"a": 8}, {"a": 5}, direction=HIGHER) == Decimal("-3.0")
    assert change({"a": 2}, {"a": 5}, direction=LOWER) == Decimal("-3.0")


def test_direction_may_be_given_as_stored_string() -> None:
    assert change({"a": 2}, {"a": 5}, direction="lower_is_better") == Decimal("-3.0")  # type: ignore[arg-type]


# --- missing scores -------------------------------------------------------------------------


def test_goal_missing_at_follow_up_is_left_out_of_the_change() -> None:
    follow_up = {"home": 10, "oxygen": 10}  # right foot not scored
    comparison = compare(SEED_BASELINE, follow_up, direction=HIGHER)
    assert comparison.change == Decimal("5.0")  # (10 + 10)/2 - (5 + 5)/2
    assert comparison.baseline_average == Decimal("4.3")  # unpaired, all three goals
    assert comparison.follow_up_average == Decimal("10.0")
    assert comparison.paired_baseline_average == Decimal("5.0")
    assert comparison.only_at_baseline == frozenset({"right_foot"})
    assert not comparison.is_fully_paired


def test_none_means_not_scored() -> None:
    follow_up = {"home": 10, "right_foot": None, "oxygen": 10}
    assert average(follow_up) == Decimal("10.0")
    assert change(SEED_BASELINE, follow_up, direction=HIGHER) == Decimal("5.0")


def test_goal_added_at_follow_up_is_left_out_of_the_change() -> None:
    follow_up = {**SEED_FOLLOW_UP, "christmas": 2}
    comparison = compare(SEED_BASELINE, follow_up, direction=HIGHER)
    assert comparison.change == Decimal("4.0")
    assert comparison.only_at_follow_up == frozenset({"christmas"})
    assert comparison.follow_up_average == Decimal("6.8")  # 27/4 = 6.75, half up


def test_all_missing_gives_none() -> None:
    assert average({}) is None
    assert average({"a": None}) is None
    assert change({}, {}, direction=HIGHER) is None
    assert change(SEED_BASELINE, {}, direction=HIGHER) is None
    assert change(SEED_BASELINE, {"other": 5}, direction=HIGHER) is None
    comparison = compare(SEED_BASELINE, {}, direction=HIGHER)
    assert comparison.baseline_average == Decimal("4.3")
    assert comparison.follow_up_average is None
    assert comparison.paired_baseline_average is None
    assert comparison.change is None
    assert not is_meaningful(comparison.change, MID_SMALL)


def test_bad_scores_in_a_scoring_are_rejected() -> None:
    with pytest.raises(ScoreError) as info:
        average({"a": 11})
    assert info.value.code == ScoreError.ABOVE_MAXIMUM
    with pytest.raises(ScoreError):
        change({"a": -1}, {"a": 5}, direction=HIGHER)


# --- thresholds -----------------------------------------------------------------------------


def test_default_thresholds_and_source() -> None:
    assert (Decimal("1.3"), Decimal("2.3"), Decimal("2.7")) == (MID_SMALL, MID_MEDIUM, MID_LARGE)
    assert "Abbott" in MID_SOURCE
    assert "Schmitt" in MID_SOURCE
    assert "2014" in MID_SOURCE


@pytest.mark.parametrize(
    ("value", "threshold", "expected"),
    [
        (Decimal("1.3"), MID_SMALL, True),  # at the threshold
        (Decimal("1.2"), MID_SMALL, False),
        (Decimal("4.0"), MID_LARGE, True),
        (Decimal("-2.3"), MID_MEDIUM, True),  # a meaningful decline is flagged too
        (Decimal("-2.2"), MID_MEDIUM, False),
        (Decimal("0.0"), MID_SMALL, False),
        (None, MID_SMALL, False),
    ],
)
def test_is_meaningful(value: Decimal | None, threshold: Decimal, expected: bool) -> None:
    assert is_meaningful(value, threshold) is expected


@pytest.mark.parametrize("threshold", [Decimal(0), Decimal("-1.3")])
def test_threshold_must_be_positive(threshold: Decimal) -> None:
    with pytest.raises(ValueError, match="positive"):
        is_meaningful(Decimal(1), threshold)


# --- validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 0), (10, 10), (7, 7), ("7", 7), (" 10 ", 10), (Decimal(3), 3), (4.0, 4), ("+5", 5)],
)
def test_valid_scores(value: object, expected: int) -> None:
    assert validate_score(value) == expected


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (11, ScoreError.ABOVE_MAXIMUM),
        (-1, ScoreError.BELOW_MINIMUM),
        ("11", ScoreError.ABOVE_MAXIMUM),
        ("-1", ScoreError.BELOW_MINIMUM),
        (7.5, ScoreError.NOT_INTEGER),
        (Decimal("7.5"), ScoreError.NOT_INTEGER),
        ("7.5", ScoreError.NOT_INTEGER),
        ("seven", ScoreError.NOT_INTEGER),
        ("", ScoreError.NOT_INTEGER),
        (None, ScoreError.NOT_INTEGER),
        (True, ScoreError.NOT_INTEGER),
        (float("nan"), ScoreError.NOT_INTEGER),
        (float("inf"), ScoreError.NOT_INTEGER),
        (Decimal("NaN"), ScoreError.NOT_INTEGER),
        (Decimal("Infinity"), ScoreError.NOT_INTEGER),
        ("٧", ScoreError.NOT_INTEGER),  # Arabic-Indic seven
    ],
)
def test_invalid_scores(value: object, code: str) -> None:
    with pytest.raises(ScoreError) as info:
        validate_score(value)
    assert info.value.code == code
    assert repr(info.value) == f"ScoreError('{code}')"


def test_score_error_messages() -> None:
    with translation.override("en"):
        with pytest.raises(ScoreError, match=r"^The score cannot be higher than 10\.$"):
            validate_score(11)
        with pytest.raises(ScoreError, match=r"^The score cannot be lower than 0\.$"):
            validate_score(-1)
        with pytest.raises(ScoreError, match="whole number"):
            validate_score(2.5)


def test_goal_count() -> None:
    validate_goal_count(0, 5)
    validate_goal_count(4, 5)
    with pytest.raises(GoalCountError) as info:
        validate_goal_count(5, 5)
    assert info.value.code == GoalCountError.TOO_MANY_GOALS
    assert info.value.params == {"max_goals": 5}
    with translation.override("en"):
        assert str(info.value) == (
            "You can have at most 5 goals. Remove one before adding another."
        )
    with pytest.raises(GoalCountError):
        validate_goal_count(3, 3)


@pytest.mark.parametrize(("existing", "max_goals"), [(-1, 5), (0, 0)])
def test_goal_count_programming_errors(existing: int, max_goals: int) -> None:
    with pytest.raises(ValueError, match="must"):
        validate_goal_count(existing, max_goals)


def test_follow_up_after_baseline() -> None:
    start = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    validate_follow_up_after_baseline(start, start + timedelta(weeks=4))
    validate_follow_up_after_baseline(date(2026, 3, 2), date(2026, 3, 30))
    for follow_up in (start, start - timedelta(minutes=1)):
        with pytest.raises(ScoringDateError) as info:
            validate_follow_up_after_baseline(start, follow_up)
        assert info.value.code == ScoringDateError.FOLLOW_UP_NOT_AFTER_BASELINE
    with translation.override("en"):
        assert "later than the baseline" in str(info.value)


def test_follow_up_dates_of_mixed_types_are_a_programming_error() -> None:
    with pytest.raises(TypeError):
        validate_follow_up_after_baseline(date(2026, 3, 2), datetime(2026, 3, 30, tzinfo=UTC))


# --- properties -----------------------------------------------------------------------------

goal_ids = st.integers(min_value=1, max_value=8)
scores = st.integers(min_value=0, max_value=10)
scorings = st.dictionaries(goal_ids, scores, max_size=8)
non_empty_scorings = st.dictionaries(goal_ids, scores, min_size=1, max_size=8)


@quick
@given(scoring=non_empty_scorings)
def test_average_is_the_rounded_mean(scoring: dict[int, int]) -> None:
    expected = (Decimal(sum(scoring.values())) / Decimal(len(scoring))).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    result = average(scoring)
    assert result == expected
    assert result is not None
    assert Decimal(0) <= result <= Decimal(10)
    assert result.as_tuple().exponent == -1


@quick
@given(baseline=scorings, follow_up=scorings)
def test_mirrored_scores_with_flipped_direction_give_the_same_change(
    baseline: dict[int, int], follow_up: dict[int, int]
) -> None:
    mirrored_baseline = {goal: 10 - score for goal, score in baseline.items()}
    mirrored_follow_up = {goal: 10 - score for goal, score in follow_up.items()}
    assert change(baseline, follow_up, direction=HIGHER) == change(
        mirrored_baseline, mirrored_follow_up, direction=LOWER
    )


@quick
@given(baseline=scorings, follow_up=scorings, direction=st.sampled_from(Direction))
def test_change_is_antisymmetric(
    baseline: dict[int, int], follow_up: dict[int, int], direction: Direction
) -> None:
    forward = change(baseline, follow_up, direction=direction)
    backward = change(follow_up, baseline, direction=direction)
    if forward is None:
        assert backward is None
    else:
        assert backward == -forward


@quick
@given(scoring=non_empty_scorings, direction=st.sampled_from(Direction))
def test_no_change_is_zero(scoring: dict[int, int], direction: Direction) -> None:
    assert change(scoring, scoring, direction=direction) == Decimal("0.0")


@quick
@given(
    baseline=non_empty_scorings,
    follow_up=scorings,
    extra=st.dictionaries(st.integers(min_value=100, max_value=110), scores, max_size=3),
)
def test_unpaired_goals_never_affect_the_change(
    baseline: dict[int, int], follow_up: dict[int, int], extra: dict[int, int]
) -> None:
    expected = change(baseline, follow_up, direction=HIGHER)
    assert change(baseline, {**follow_up, **extra}, direction=HIGHER) == expected
    assert change({**baseline, **extra}, follow_up, direction=HIGHER) == expected


@quick
@given(baseline=scorings, follow_up=scorings, direction=st.sampled_from(Direction))
def test_change_equals_the_mean_of_paired_per_goal_changes(
    baseline: dict[int, int], follow_up: dict[int, int], direction: Direction
) -> None:
    paired = baseline.keys() & follow_up.keys()
    result = change(baseline, follow_up, direction=direction)
    if not paired:
        assert result is None
        return
    sign = 1 if direction is HIGHER else -1
    mean = Fraction(sum(sign * (follow_up[g] - baseline[g]) for g in paired), len(paired))
    assert result == round_one_decimal(mean)
    assert result is not None
    assert Decimal(-10) <= result <= Decimal(10)


@quick
@given(
    value=st.decimals(min_value=-10, max_value=10, places=1),
    threshold=st.sampled_from([MID_SMALL, MID_MEDIUM, MID_LARGE]),
)
def test_is_meaningful_is_symmetric_and_monotone(value: Decimal, threshold: Decimal) -> None:
    assert is_meaningful(value, threshold) == is_meaningful(-value, threshold)
    if is_meaningful(value, MID_LARGE):
        assert is_meaningful(value, threshold)
    if not is_meaningful(value, MID_SMALL):
        assert not is_meaningful(value, threshold)


@quick
@given(value=st.integers())
def test_validate_score_accepts_exactly_0_to_10(value: int) -> None:
    if 0 <= value <= 10:
        assert validate_score(value) == value
    else:
        with pytest.raises(ScoreError):
            validate_score(value)
