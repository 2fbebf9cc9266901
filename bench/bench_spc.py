"""Benchmark: SPC on 10,000 series of 36 points (issue 16), pure Python, no database.

Run: .venv/bin/python bench/bench_spc.py   (BENCH_SERIES, BENCH_POINTS, BENCH_REPEAT)
Times run, I and P charts over every series, against a baseline pass over the same data
(``statistics.median`` of each series: the least any chart must do), and prints median and
interquartile range of the whole batch, and the ratio to the baseline.
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from forlop.measures import spc


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    q = statistics.quantiles(samples, n=4) if len(samples) > 1 else [samples[0]] * 3
    return statistics.median(samples), q[2] - q[0]


def main() -> None:
    series_count = int(os.environ.get("BENCH_SERIES", "10000"))
    points = int(os.environ.get("BENCH_POINTS", "36"))
    repeat = int(os.environ.get("BENCH_REPEAT", "5"))
    rng = random.Random(16)
    denominators = [
        [float(rng.randrange(20, 80)) for _ in range(points)] for _ in range(series_count)
    ]
    numerators = [[float(rng.randrange(0, int(n) + 1)) for n in row] for row in denominators]
    shares = [
        [a / b for a, b in zip(y, n, strict=True)]
        for y, n in zip(numerators, denominators, strict=True)
    ]
    print(
        f"# Python {platform.python_version()}, {series_count} series x {points} points, {repeat} repeats"
    )
    base = timed(lambda: [statistics.median(s) for s in shares], repeat)
    runs = {
        "run chart": lambda: [spc.run_chart(s) for s in shares],
        "I chart": lambda: [spc.i_chart(s) for s in shares],
        "P chart": lambda: [
            spc.p_chart(y, n) for y, n in zip(numerators, denominators, strict=True)
        ],
    }
    print("| operation (all series) | median | IQR | per series | ratio to baseline |")
    print("|---|---|---|---|---|")
    print(
        f"| baseline: `statistics.median` of each | {base[0] * 1000:.1f} ms | {base[1] * 1000:.1f} ms | {base[0] / series_count * 1e6:.1f} µs | 1.0× |"
    )
    for name, fn in runs.items():
        median, iqr = timed(fn, repeat)
        print(
            f"| {name} | {median * 1000:.0f} ms | {iqr * 1000:.0f} ms | {median / series_count * 1e6:.0f} µs | {median / base[0]:.0f}× |"
        )


if __name__ == "__main__":
    main()
