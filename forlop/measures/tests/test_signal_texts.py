"""The chart's signals in words (no database): every unusually long run is named, with its
side and its periods."""

from __future__ import annotations

from django.utils import translation

from forlop.measures import spc
from forlop.measures.models import Measure
from forlop.measures.selectors.series import signal_texts

LABELS = [f"m{i}" for i in range(1, 25)]


def texts(values: list[float]) -> str:
    with translation.override("en"):
        return " ".join(signal_texts(spc.run_chart(values), LABELS, Measure()))


def test_a_step_change_names_the_run_before_and_the_run_after() -> None:
    # given 12 months at about a third, then 12 at about nine in ten (a change halfway): both
    # halves are runs of 12 where at most 7 are expected by chance (24 useful points)
    before = [0.30, 0.35, 0.32, 0.28, 0.33, 0.36, 0.31, 0.29, 0.34, 0.30, 0.37, 0.33]
    after = [0.88, 0.91, 0.90, 0.86, 0.93, 0.89, 0.92, 0.87, 0.90, 0.94, 0.88, 0.91]
    words = texts(before + after)
    # then the text names both, in order, the level after the change included
    assert "A shift: 12 points in a row below the median (m1 to m12;" in words
    assert "A shift: 12 points in a row above the median (m13 to m24;" in words
    assert words.index("below the median") < words.index("above the median")


def test_a_single_long_run_is_named_once_and_short_runs_not_at_all() -> None:
    # given 9 low months, then runs of three above the median broken by one below it: one
    # run over the limit (7 for 24 useful points)
    rest = [0.8, 0.9, 0.85, 0.2] * 3 + [0.8, 0.9, 0.85]
    words = texts([0.1] * 9 + rest)
    assert words.count("A shift:") == 1
    assert "9 points in a row below the median (m1 to m9;" in words


def test_random_looking_data_has_no_shift() -> None:
    words = texts([0.6, 0.4] * 12)
    assert "A shift" not in words
    assert "No sign of non-random variation" in words
