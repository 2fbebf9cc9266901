"""Scoring rules for "Hva er viktig for deg?" (what matters to you), based on the PSFS.

Pure functions, no database. The patient names up to a configurable number of goals
(activities) and scores each 0-10 at baseline and at follow-ups. A *scoring* is a mapping of
goal id to score at one point in time; a goal that was not scored is absent (or None).

Direction: the original PSFS has 0 = cannot do it and 10 = can do it as before
(``higher_is_better``); a Norwegian validation used the reverse (``lower_is_better``). The form
version stores which. Averages are reported in the form's own direction, as the patient scored
them. A *change* is always reported so that improvement is positive, whatever the direction.

Rounding: one decimal, half up (away from zero on a tie), as the form shows it. A change is
computed from the unrounded averages and rounded once at the end. Seed example: baseline 5, 3, 5
gives 4.3, follow-up 10, 5, 10 gives 8.3, change 4.0 (8.333... - 4.333... = 4.0).
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from math import floor
from typing import Any, Generic, TypeVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

__all__ = [
    "DECLINE_THRESHOLD_DEFAULT",
    "MAX_SCORE",
    "MID_LARGE",
    "MID_MEDIUM",
    "MID_SMALL",
    "MID_SOURCE",
    "MIN_SCORE",
    "ChangeFlag",
    "Comparison",
    "Direction",
    "EpisodeChange",
    "EpisodeError",
    "EpisodeSpan",
    "GoalCountError",
    "GoalPair",
    "GoalRuleError",
    "ScoreError",
    "ScoringDateError",
    "Sitting",
    "average",
    "change",
    "change_flag",
    "compare",
    "episode_running",
    "is_meaningful",
    "pair_within_episode",
    "round_one_decimal",
    "validate_follow_up_after_baseline",
    "validate_goal_count",
    "validate_score",
    "validate_scoring_in_episode",
]

K = TypeVar("K", bound=Hashable)

MIN_SCORE = 0
MAX_SCORE = 10

# Minimum important differences for the PSFS average score (scale 0-10), for small, medium and
# large patient-perceived change (global rating of change as anchor), in 1708 patients with
# musculoskeletal disorders in physical therapy. Thresholds for improvement; applied here to the
# size of a change in either direction. The threshold in use is a setting; these are defaults.
MID_SMALL = Decimal("1.3")
MID_MEDIUM = Decimal("2.3")
MID_LARGE = Decimal("2.7")
MID_SOURCE = (
    "Abbott JH, Schmitt JS. Minimum important differences for the Patient-Specific Functional "
    "Scale, 4 region-specific outcome measures, and the Numeric Pain Rating Scale. "
    "J Orthop Sports Phys Ther. 2014;44(8):560-564. doi:10.2519/jospt.2014.5248"
)


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"  # 0 = cannot do it, 10 = can do it as before
    LOWER_IS_BETTER = "lower_is_better"  # 0 = no problem, 10 = cannot do it


# --- errors -------------------------------------------------------------------------------


class GoalRuleError(ValueError):
    """A rule broken. ``code`` is stable; ``message`` is a lazy user-facing translation with
    ``%(name)s`` placeholders filled from ``params`` (Django's ValidationError convention:
    ``ValidationError(exc.message, code=exc.code, params=exc.params)``). ``args`` holds only the
    code, so ``repr()`` needs no translation and never shows user input."""

    def __init__(self, code: str, message: Promise, params: dict[str, Any] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.params: dict[str, Any] = params or {}

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


class ScoreError(GoalRuleError):
    NOT_INTEGER = "not_integer"
    BELOW_MINIMUM = "below_minimum"
    ABOVE_MAXIMUM = "above_maximum"


class GoalCountError(GoalRuleError):
    TOO_MANY_GOALS = "too_many_goals"


class ScoringDateError(GoalRuleError):
    FOLLOW_UP_NOT_AFTER_BASELINE = "follow_up_not_after_baseline"


# --- validation -----------------------------------------------------------------------------

_INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")


def _not_integer() -> ScoreError:
    return ScoreError(ScoreError.NOT_INTEGER, _("The score must be a whole number from 0 to 10."))


def validate_score(value: object) -> int:
    """Return the score as an int, or raise `ScoreError`.

    Accepts an int, a string of digits ("7", " 7 ") and an integral Decimal or float (7.0).
    Rejects booleans, fractions (7.5), and anything below 0 or above 10.
    """
    if isinstance(value, bool):
        raise _not_integer()
    if isinstance(value, int):
        score = value
    elif isinstance(value, str):
        text = value.strip()
        if not _INTEGER_TEXT.fullmatch(text):
            raise _not_integer()
        score = int(text)
    elif isinstance(value, Decimal | float):
        try:
            integral = value == int(value)
        except (ValueError, OverflowError):  # NaN, infinity
            raise _not_integer() from None
        if not integral:
            raise _not_integer()
        score = int(value)
    else:
        raise _not_integer()
    if score < MIN_SCORE:
        raise ScoreError(ScoreError.BELOW_MINIMUM, _("The score cannot be lower than 0."))
    if score > MAX_SCORE:
        raise ScoreError(ScoreError.ABOVE_MAXIMUM, _("The score cannot be higher than 10."))
    return score


def validate_goal_count(existing: int, max_goals: int) -> None:
    """Raise `GoalCountError` if another goal cannot be added to ``existing`` goals.

    ``max_goals`` is configurable: sources differ (up to 5 in the original PSFS, 3-5 at
    Sunnaas, up to 3 at Diakonhjemmet); the default is 5.
    """
    if max_goals < 1:
        raise ValueError("max_goals must be at least 1")
    if existing < 0:
        raise ValueError("existing must not be negative")
    if existing >= max_goals:
        raise GoalCountError(
            GoalCountError.TOO_MANY_GOALS,
            _("You can have at most %(max_goals)d goals. Remove one before adding another."),
            {"max_goals": max_goals},
        )


def validate_follow_up_after_baseline(
    baseline_at: date | datetime, follow_up_at: date | datetime
) -> None:
    """Raise `ScoringDateError` unless the follow-up is strictly later than the baseline.

    Both must be dates or both datetimes (aware datetimes compare across time zones); mixing
    them is a programming error (TypeError).
    """
    if isinstance(baseline_at, datetime) != isinstance(follow_up_at, datetime):
        raise TypeError("compare two dates or two datetimes, not one of each")
    if follow_up_at <= baseline_at:
        raise ScoringDateError(
            ScoringDateError.FOLLOW_UP_NOT_AFTER_BASELINE,
            _("The follow-up scoring must be later than the baseline scoring."),
        )


# --- arithmetic -----------------------------------------------------------------------------


def _scored(scores: Mapping[K, int | None]) -> dict[K, int]:
    """The goals that have a score, each validated (a score of 11 must not skew an average)."""
    return {goal: validate_score(score) for goal, score in scores.items() if score is not None}


def _mean(scores: Mapping[K, int]) -> Fraction | None:
    if not scores:
        return None
    return Fraction(sum(scores.values()), len(scores))


def round_one_decimal(value: Fraction) -> Decimal:
    """Round exactly to one decimal, half up (ties away from zero, like ROUND_HALF_UP)."""
    tenths = abs(value) * 10
    rounded = floor(tenths + Fraction(1, 2))
    if value < 0:
        rounded = -rounded
    return Decimal(rounded).scaleb(-1)


def average(scores: Mapping[K, int | None]) -> Decimal | None:
    """Sum of scores / number of scored goals, rounded to one decimal; None if none scored."""
    mean = _mean(_scored(scores))
    return None if mean is None else round_one_decimal(mean)


def _signed(difference: Fraction, direction: Direction) -> Fraction:
    return -difference if direction is Direction.LOWER_IS_BETTER else difference


def change(
    baseline: Mapping[K, int | None],
    follow_up: Mapping[K, int | None],
    *,
    direction: Direction,
) -> Decimal | None:
    """Follow-up average minus baseline average, signed so that improvement is positive.

    Computed only over goals scored in BOTH scorings (paired). If a goal scored at baseline is
    missing at follow-up (not asked, dropped, patient too tired), averaging all goals would
    compare different sets of goals: dropping the hardest goal would look like improvement,
    dropping the easiest like decline. Pairing keeps the comparison like for like; with the
    same goals, this also equals the mean of the per-goal changes. Returns None when no goal is
    scored in both. Use `compare` to also show the unpaired averages.

    For ``lower_is_better`` form versions the sign is flipped, so the same improvement gives the
    same sign in both directions. Rounded once, from unrounded averages.
    """
    comparison = compare(baseline, follow_up, direction=direction)
    return comparison.change


@dataclass(frozen=True, slots=True)
class Comparison(Generic[K]):
    """Baseline and follow-up side by side, for display.

    ``baseline_average`` / ``follow_up_average`` use every goal scored in that scoring
    (unpaired), in the form's own direction: what the patient sees on each form.
    ``paired_*`` and ``change`` use only the goals scored in both; ``change`` is positive for
    improvement. All rounded to one decimal; None when there is nothing to average.
    """

    direction: Direction
    baseline_average: Decimal | None
    follow_up_average: Decimal | None
    paired_baseline_average: Decimal | None
    paired_follow_up_average: Decimal | None
    change: Decimal | None
    paired_goals: frozenset[K]
    only_at_baseline: frozenset[K]  # scored at baseline, missing at follow-up
    only_at_follow_up: frozenset[K]  # scored at follow-up only (e.g. a goal added later)

    @property
    def is_fully_paired(self) -> bool:
        """True when both scorings cover the same goals (the averages are then comparable)."""
        return not self.only_at_baseline and not self.only_at_follow_up


def compare(
    baseline: Mapping[K, int | None],
    follow_up: Mapping[K, int | None],
    *,
    direction: Direction,
) -> Comparison[K]:
    """Unpaired and paired averages and the paired change (see `change`)."""
    direction = Direction(direction)
    base = _scored(baseline)
    follow = _scored(follow_up)
    paired = base.keys() & follow.keys()
    paired_base = _mean({goal: base[goal] for goal in paired})
    paired_follow = _mean({goal: follow[goal] for goal in paired})
    if paired_base is None or paired_follow is None:
        difference = None
    else:
        difference = round_one_decimal(_signed(paired_follow - paired_base, direction))
    return Comparison(
        direction=direction,
        baseline_average=average(base),
        follow_up_average=average(follow),
        paired_baseline_average=None if paired_base is None else round_one_decimal(paired_base),
        paired_follow_up_average=(
            None if paired_follow is None else round_one_decimal(paired_follow)
        ),
        change=difference,
        paired_goals=frozenset(paired),
        only_at_baseline=frozenset(base.keys() - follow.keys()),
        only_at_follow_up=frozenset(follow.keys() - base.keys()),
    )


def is_meaningful(change: Decimal | None, threshold: Decimal) -> bool:
    """True when the size of the change is at or beyond the threshold, in either direction.

    A meaningful decline is flagged too; check the sign (positive is improvement) to tell them
    apart. None (nothing to compare) is never meaningful. Compares the change as shown (one
    decimal), so what the team sees and what is flagged agree. ``threshold`` comes from the
    setting; `MID_SMALL`, `MID_MEDIUM` and `MID_LARGE` are the published defaults.
    """
    if threshold <= 0:
        raise ValueError("threshold must be positive")
    if change is None:
        return False
    return abs(change) >= threshold


# --- episodes -------------------------------------------------------------------------------
#
# A patient's goals are scored per *episode*: one pathway (a discharge, a decline at home, an
# annual review). A new pathway starts a new baseline; within an episode each goal's baseline is
# its first score there (so a goal added later gets its own), and its change pairs that
# baseline with its latest later score in the same episode. Scores from another episode never
# pair.

# A decline is flagged with a threshold of its own. No published minimal important difference
# for a *decline* on the PSFS was found; this is a local default: the smallest published
# difference for improvement (1.3), so that a decline is noticed early in frail patients. Set it
# per form version.
DECLINE_THRESHOLD_DEFAULT = Decimal("1.3")


class EpisodeError(GoalRuleError):
    CLOSED = "episode_closed"
    BEFORE_START = "before_episode_start"


class ChangeFlag(StrEnum):
    IMPROVED = "improved"  # an improvement at or beyond the meaningful-change threshold
    DECLINED = "declined"  # a decline at or beyond the decline threshold
    WITHIN = "within"  # a change smaller than either threshold
    NONE = "none"  # nothing to compare yet


@dataclass(frozen=True, slots=True)
class EpisodeSpan(Generic[K]):
    """One episode: a pathway's start and end (None while it runs)."""

    key: K
    started_at: datetime
    ended_at: datetime | None = None

    def is_closed(self, now: datetime) -> bool:
        return self.ended_at is not None and self.ended_at <= now


def episode_running(spans: Iterable[EpisodeSpan[K]], now: datetime) -> EpisodeSpan[K] | None:
    """The episode a scoring made at ``now`` belongs to: of the episodes started by ``now`` and
    not closed, the latest started (ties: the larger key order as given last). None if none."""
    running = [s for s in spans if s.started_at <= now and not s.is_closed(now)]
    if not running:
        return None
    return max(running, key=lambda s: s.started_at)


def validate_scoring_in_episode(
    span: EpisodeSpan[K], *, scored_on: date, now: datetime, started_on: date
) -> None:
    """Raise `EpisodeError` when a scoring cannot be recorded in ``span``: the episode has
    ended by ``now``, or the scoring's day (``scored_on``) is before the day the episode
    started (``started_on``, the start as a local date: the caller converts)."""
    if span.is_closed(now):
        raise EpisodeError(
            EpisodeError.CLOSED,
            _(
                "This pathway has ended, so its goals can no longer be scored. Scores belong to "
                "the pathway they were recorded in; start a new pathway (for example an annual "
                "review) for a new baseline."
            ),
        )
    if scored_on < started_on:
        raise EpisodeError(
            EpisodeError.BEFORE_START,
            _("A scoring in this pathway cannot be dated before the pathway started (%(date)s)."),
            {"date": started_on.strftime("%d.%m.%Y")},
        )


@dataclass(frozen=True, slots=True)
class Sitting(Generic[K]):
    """One scoring: when it was made and the score of each goal (None: not scored)."""

    at: datetime
    scores: Mapping[K, int | None]
    order: int = 0  # tie-breaker for sittings at the same instant (the row's id)


@dataclass(frozen=True, slots=True)
class GoalPair:
    baseline: int
    baseline_at: datetime
    latest: int | None  # the latest score after the baseline in the same episode
    latest_at: datetime | None
    change: int | None  # signed so that improvement is positive


@dataclass(frozen=True, slots=True)
class EpisodeChange(Generic[K]):
    """The per-goal pairing of one episode. ``baseline_average`` and ``latest_average`` are over
    the paired goals only (like for like); ``change`` is their difference signed so that
    improvement is positive (= the mean of the per-goal changes), rounded once."""

    direction: Direction
    goals: Mapping[K, GoalPair]
    baseline_average: Decimal | None
    latest_average: Decimal | None
    change: Decimal | None
    all_baselines_average: Decimal | None  # every goal's baseline, paired or not

    @property
    def paired_goals(self) -> frozenset[K]:
        return frozenset(g for g, p in self.goals.items() if p.latest is not None)

    @property
    def baseline_only(self) -> frozenset[K]:
        return frozenset(g for g, p in self.goals.items() if p.latest is None)


def pair_within_episode(
    sittings: Iterable[Sitting[K]], *, direction: Direction, as_of: datetime
) -> EpisodeChange[K]:
    """Pair each goal's baseline (its first score in the episode) with its latest later score
    in the same episode, counting only sittings made by ``as_of``. The caller passes one
    episode's sittings; goals are keys of the sittings' score mappings."""
    direction = Direction(direction)
    ordered = sorted((s for s in sittings if s.at <= as_of), key=lambda s: (s.at, s.order))
    first: dict[K, tuple[int, datetime, int]] = {}
    last: dict[K, tuple[int, datetime]] = {}
    for index, sitting in enumerate(ordered):
        for goal, value in _scored(sitting.scores).items():
            if goal not in first:
                first[goal] = (value, sitting.at, index)
            elif index > first[goal][2]:
                last[goal] = (value, sitting.at)
    pairs: dict[K, GoalPair] = {}
    for goal, (value, at, _index) in first.items():
        latest = last.get(goal)
        pairs[goal] = GoalPair(
            baseline=value,
            baseline_at=at,
            latest=latest[0] if latest else None,
            latest_at=latest[1] if latest else None,
            change=None if latest is None else int(_signed(Fraction(latest[0] - value), direction)),
        )
    paired = {g: p for g, p in pairs.items() if p.latest is not None}
    base_mean = _mean({g: p.baseline for g, p in paired.items()})
    latest_mean = _mean({g: p.latest for g, p in paired.items() if p.latest is not None})
    change_value = (
        None
        if base_mean is None or latest_mean is None
        else round_one_decimal(_signed(latest_mean - base_mean, direction))
    )
    all_base = _mean({g: p.baseline for g, p in pairs.items()})
    return EpisodeChange(
        direction=direction,
        goals=pairs,
        baseline_average=None if base_mean is None else round_one_decimal(base_mean),
        latest_average=None if latest_mean is None else round_one_decimal(latest_mean),
        change=change_value,
        all_baselines_average=None if all_base is None else round_one_decimal(all_base),
    )


def change_flag(
    change: Decimal | None, *, improvement_threshold: Decimal, decline_threshold: Decimal
) -> ChangeFlag:
    """Flag a change (positive = improvement, as shown: one decimal): an improvement at or
    beyond ``improvement_threshold``, a decline at or beyond ``decline_threshold`` (its own
    setting, a local default), else within. None: nothing to compare."""
    if improvement_threshold <= 0 or decline_threshold <= 0:
        raise ValueError("thresholds must be positive")
    if change is None:
        return ChangeFlag.NONE
    if change >= improvement_threshold:
        return ChangeFlag.IMPROVED
    if change <= -decline_threshold:
        return ChangeFlag.DECLINED
    return ChangeFlag.WITHIN
