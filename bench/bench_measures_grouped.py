"""Benchmark: measures for every municipality in one grouped pass against one query per
municipality (issue 16), as ratios to a sequential scan of the stop points in the same run.

Run on a database already filled by the generator (it reads, never writes):
  DATABASE_URL=postgres://... .venv/bin/python bench/bench_measures_grouped.py
or bash bench/measures_grouped.sh, which builds a throw-away PostgreSQL at each size of
BENCH_SIZES with `forlop generate` and runs this script on it. See docs/benchmarks.md.

Environment: BENCH_REPEAT (timed repeats, default 7; the slow per-municipality loop gets
max(3, BENCH_REPEAT // 2)).

Times, as median and interquartile range, every default measure x 24 months:
  baseline                    SELECT count(*) FROM the stop-point table (a sequential scan)
  all measures, one municipality, per scope    measure_series per measure (before)
  all measures, all municipalities, per scope  measure_series per measure and municipality
  all measures, all municipalities, grouped    measure_series_grouped per measure (one pass)
  all measures, all units, grouped             the same grouped by unit
  ... grouped, JIT on         the grouped pass with PostgreSQL's JIT compiler on (its default)
and each measure alone: one municipality (compute_counts) and all municipalities grouped
(compute_counts_grouped), with their query counts. Then the maintained rollup
(forlop/measures/rollup.py; this part writes to the database: its own tables and audit rows):
  rollup: full rebuild        rollup_rebuild, every shipped measure x every unit x 25 months
  rollup: read, numbers       rollup_counts, every measure x 24 months x every municipality
  rollup: read, series        measures_series_from_rollup (numbers, snapshots, SPC charts)
  rollup: refresh after a day rollup_refresh one day later, after a day's changes: an audit
                              row (as a service writes) for every patient with a stop point
                              due, a pathway started or an event in that day
  rollup: refresh, no change  rollup_refresh again (the change feed finds nothing)
each against the same baseline, and the rollup read checked equal to the grouped pass.
Environment: BENCH_ROLLUP_ONLY=1 skips everything before the rollup. BENCH_ROLLUP_QUICK=1
(for a million pathways, where one grouped pass takes minutes) also skips the grouped pass
and the checks against it (measures/tests/test_rollup.py holds the equality), times one
rebuild and counts its queries in the same run, and refreshes after one day only.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django

django.setup()

from benchtools import summary, timed  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from forlop.core.models import Organisation, Unit  # noqa: E402
from forlop.measures.compute import compute_counts, compute_counts_grouped  # noqa: E402
from forlop.measures.models import Measure  # noqa: E402
from forlop.measures.selectors import (  # noqa: E402
    default_window,
    measure_series,
    measure_series_grouped,
    scope_for_organisation,
    scope_for_unit,
)
from forlop.pathways.models import Pathway, StopPoint  # noqa: E402


def n_queries(fn: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def count_stop_points() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pathways_stoppoint")
        return int(cursor.fetchone()[0])


def main() -> None:
    repeat = int(os.environ.get("BENCH_REPEAT", "7"))
    slow = max(3, repeat // 2)
    now = timezone.now()
    measures = list(Measure.objects.filter(organisation__isnull=True).order_by("code"))
    orgs = list(Organisation.objects.filter(code__startswith="synth-").order_by("code"))
    units = list(Unit.objects.filter(organisation__in=orgs).order_by("code"))
    municipalities = [scope_for_organisation(o) for o in orgs]
    unit_scopes = [scope_for_unit(u) for u in units]
    windows = {m.pk: default_window(today=timezone.localdate(), period=m.period) for m in measures}
    load = os.getloadavg()
    print(
        f"# {connection.vendor} {connection.pg_version if connection.vendor == 'postgresql' else ''},"
        f" Python {platform.python_version()}, {os.cpu_count()} cpus,"
        f" load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print(
        f"# {Pathway.objects.count()} pathways, {StopPoint.objects.count()} stop points,"
        f" {len(orgs)} municipalities, {len(units)} units, {len(measures)} default measures,"
        f" {repeat} repeats"
    )

    def per_scope(scopes):
        def run():
            for scope in scopes:
                for m in measures:
                    first, last = windows[m.pk]
                    measure_series(m, scope=scope, first=first, last=last, as_of=now, notes=())

        return run

    def grouped(scopes):
        def run():
            for m in measures:
                first, last = windows[m.pk]
                measure_series_grouped(
                    m, scopes=scopes, first=first, last=last, as_of=now, notes={}
                )

        return run

    ops: list[tuple[str, Callable[[], object], int]] = [
        ("all measures, one municipality, per scope", per_scope(municipalities[:1]), repeat),
        ("all measures, one municipality, grouped", grouped(municipalities[:1]), repeat),
        ("all measures, all municipalities, per scope (before)", per_scope(municipalities), slow),
        ("all measures, all municipalities, grouped", grouped(municipalities), repeat),
        ("all measures, all units, grouped", grouped(unit_scopes), repeat),
    ]
    if connection.vendor == "postgresql":
        grouped_all = grouped(municipalities)

        def with_jit(run=grouped_all):
            # PostgreSQL's default; the application turns JIT off (config/settings.py).
            with connection.cursor() as cursor:
                cursor.execute("SET jit = on")
            try:
                run()
            finally:
                with connection.cursor() as cursor:
                    cursor.execute("SET jit = off")

        ops.append(("all measures, all municipalities, grouped, JIT on", with_jit, slow))
    baseline = summary(timed(count_stop_points, repeat * 2))
    base = baseline[0]
    print("| operation | median | IQR | ratio to baseline | queries |")
    print("|---|---|---|---|---|")
    print(
        f"| baseline: `SELECT count(*)` of the stop points | {base * 1000:.1f} ms"
        f" | {baseline[1] * 1000:.1f} ms | 1.0× | 1 |"
    )
    for name, fn, r in ops:
        queries = n_queries(fn)
        median, iqr = summary(timed(fn, r))
        print(
            f"| {name} | {median * 1000:.1f} ms | {iqr * 1000:.1f} ms"
            f" | {median / base:.1f}× | {queries} |"
        )
        sys.stdout.flush()
    print("\n| measure | one municipality | ratio | all municipalities, grouped | ratio |")
    print("|---|---|---|---|---|")
    for m in measures:
        first, last = windows[m.pk]

        def one(m=m, first=first, last=last):
            compute_counts(m, scope=municipalities[0], first=first, last=last, as_of=now)

        def every(m=m, first=first, last=last):
            compute_counts_grouped(m, scopes=municipalities, first=first, last=last, as_of=now)

        a = summary(timed(one, repeat))[0]
        b = summary(timed(every, repeat))[0]
        print(
            f"| {m.code} | {a * 1000:.1f} ms | {a / base:.2f}× | {b * 1000:.1f} ms | {b / base:.2f}× |"
        )
        sys.stdout.flush()
    load = os.getloadavg()
    print(f"# load at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def bench_rollup(repeat: int) -> None:
    """The maintained rollup: rebuild, read, refresh after a day's changes (see the docstring)."""
    from datetime import timedelta

    from django.db.models import Q

    from forlop.core.audit import audit_record_many
    from forlop.core.models import AuditEvent
    from forlop.measures.models import MeasureRollup
    from forlop.measures.rollup import (
        counts_equal,
        rollup_counts,
        rollup_measures,
        rollup_rebuild,
        rollup_refresh,
        rollup_window,
    )
    from forlop.measures.selectors import measures_series_from_rollup
    from forlop.pathways.models import PathwayEvent

    now = timezone.now()
    measures = list(rollup_measures())
    orgs = list(Organisation.objects.filter(code__startswith="synth-").order_by("code"))
    municipalities = [scope_for_organisation(o) for o in orgs]
    first_all, last_all = rollup_window(today=timezone.localdate())
    first, last = default_window(today=timezone.localdate(), period="month")
    last_day = (last.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    slow = max(3, repeat // 2)
    base, base_iqr = summary(timed(count_stop_points, repeat * 2))
    load = os.getloadavg()
    print(f"\n# rollup: {len(measures)} measures, load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print("| operation | median | IQR | ratio to baseline | queries |")
    print("|---|---|---|---|---|")
    print(
        f"| baseline: `SELECT count(*)` of the stop points | {base * 1000:.1f} ms | {base_iqr * 1000:.1f} ms | 1.0× | 1 |"
    )

    def row(name: str, samples: list[float], queries: int | str) -> None:
        median, iqr = summary(samples)
        print(
            f"| {name} | {median * 1000:.1f} ms | {iqr * 1000:.1f} ms | {median / base:.1f}× | {queries} |"
        )
        sys.stdout.flush()

    def grouped_before():
        for m in measures:
            measure_series_grouped(
                m, scopes=municipalities, first=first, last=last_day, as_of=now, notes={}
            )

    quick = bool(os.environ.get("BENCH_ROLLUP_QUICK"))
    if not quick:
        row(
            "before: all measures, all municipalities, grouped (measure_series_grouped)",
            timed(grouped_before, slow - 1),
            n_queries(grouped_before),
        )

    def rebuild():
        rollup_rebuild(first=first_all, last=last_all, as_of=now)

    if quick:
        with CaptureQueriesContext(connection) as captured:
            row(
                "rollup: full rebuild (every measure x unit x 25 months)",
                timed(rebuild, 1, warm=False),
                "",
            )
        print(f"# the rebuild's queries: {len(captured.captured_queries)}")
    else:
        row(
            "rollup: full rebuild (every measure x unit x 25 months)",
            timed(rebuild, slow - 1),
            n_queries(rebuild),
        )

    def read_counts():
        return rollup_counts(measures, scopes=municipalities, first=first, last=last_day)

    def read_series():
        return measures_series_from_rollup(
            measures, scopes=municipalities, first=first, last=last_day, notes={}
        )

    row(
        "rollup: read, numbers (every measure x 24 months x every municipality)",
        timed(read_counts, repeat * 2),
        n_queries(read_counts),
    )
    row(
        "rollup: read, series with SPC (the same)",
        timed(read_series, repeat),
        n_queries(read_series),
    )
    # equal to the grouped pass as of the rollup's time
    found = read_counts()
    if found is None:
        raise SystemExit("the rollup cannot answer")
    for m in [] if quick else measures:
        live = compute_counts_grouped(
            m, scopes=municipalities, first=first, last=last_day, as_of=found.as_of
        )
        if not all(counts_equal(live[c], found.counts[m.pk][c]) for c in live):
            raise SystemExit(f"rollup differs from the grouped pass: {m.code}")
    if not quick:
        print(f"# rollup read equals compute_counts_grouped for all {len(measures)} measures")

    # A day's changes: an audit row (what each service writes) for every patient with
    # activity in one day of the data (a stop point due or completed, a pathway started, an
    # event), then a refresh one day later than the last (the clocks move too).
    samples: list[float] = []
    touched: list[tuple[int, int, int, str]] = []
    day = now
    for i in range(1 if quick else slow):
        window = {"__gt": now - timedelta(days=i + 1), "__lte": now - timedelta(days=i)}

        def within(field: str, window=window) -> dict:
            return {f"{field}{k}": v for k, v in window.items()}

        day = day + timedelta(days=1)
        patients = (
            set(
                StopPoint.objects.filter(
                    Q(**within("due_at")) | Q(**within("completed_at"))
                ).values_list("pathway__patient_id", flat=True)
            )
            | set(
                Pathway.objects.filter(**within("started_at")).values_list("patient_id", flat=True)
            )
            | set(
                PathwayEvent.objects.filter(**within("occurred_at")).values_list(
                    "patient_id", flat=True
                )
            )
        )
        audit_record_many(
            AuditEvent(verb="checklist.completed", patient_id=p, created_at=day)
            for p in sorted(patients)
        )
        with CaptureQueriesContext(connection) as captured:
            t0 = time.perf_counter()
            report = rollup_refresh(now=day)
            samples.append(time.perf_counter() - t0)
        touched.append((len(patients), report.pathways, report.units, str(report.since)))
        if set(MeasureRollup.objects.values_list("as_of", flat=True)) != {day}:
            raise SystemExit("a measure was not refreshed")
    row(
        f"rollup: refresh after a day's changes (patients, pathways, units, since: {touched})",
        samples,
        len(captured.captured_queries),
    )
    again = lambda: rollup_refresh(now=day)  # noqa: E731
    row("rollup: refresh, no change since", timed(again, repeat), n_queries(again))
    found = read_counts()
    if found is None or found.as_of != day:
        raise SystemExit("the rollup is not as of the last refresh")
    for m in [] if quick else measures:
        live = compute_counts_grouped(
            m, scopes=municipalities, first=first, last=last_day, as_of=day
        )
        if not all(counts_equal(live[c], found.counts[m.pk][c]) for c in live):
            raise SystemExit(f"rollup differs from the grouped pass: {m.code}")
    if not quick:
        print("# after the refreshes the read equals compute_counts_grouped again")
    load = os.getloadavg()
    print(f"# load at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    if not os.environ.get("BENCH_ROLLUP_ONLY"):
        main()
    bench_rollup(int(os.environ.get("BENCH_REPEAT", "7")))
