"""Timing helpers shared by the bench/ scripts (run as ``python bench/NAME.py``, so this
directory is on ``sys.path``): a series of timed calls, and its median and interquartile
range, the two figures docs/benchmarks.md reports for every operation."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timed(fn: Callable[[], object], repeat: int, *, warm: bool = True) -> list[float]:
    """Seconds of ``repeat`` calls of ``fn``, after one untimed call (caches, prepared plans)
    unless ``warm`` is False."""
    if warm:
        fn()
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def summary(samples: list[float]) -> tuple[float, float]:
    """(median, interquartile range); a single sample has no spread. The quartiles are the
    inclusive ones (R's and numpy's default), in every script since 2026-12-02; spreads in
    docs/benchmarks.md from before then for bench_access, bench_scale and
    bench_worklist_measures used the exclusive method (the median is the same)."""
    if len(samples) < 2:
        return samples[0], 0.0
    q = statistics.quantiles(samples, n=4, method="inclusive")
    return statistics.median(samples), q[2] - q[0]
