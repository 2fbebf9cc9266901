"""Benchmark: the work list, its badge and the measures as the database grows (issue 16).

Run: bash bench/scale.sh   (a throw-away PostgreSQL of its own; see docs/benchmarks.md)
  or: DATABASE_URL=... .venv/bin/python bench/bench_scale.py   (an EMPTY database: it migrates
      and fills it with `forlop synth`)

Environment: BENCH_SIZES (patients after each step, default "8000,40000"), BENCH_REPEAT
(timed repeats per operation, default 15), BENCH_PPM (patients per municipality, default 4000:
two home-care units of 2,000 patients each), BENCH_SEED (default 1), BENCH_GOALS (default 1;
0: generate no goals and scorings, so the what-matters measures have nothing to count),
BENCH_ONLY (a regular expression: time only the operations whose names match, e.g.
"worklist|badge"; the baseline is always timed).

Pointed at a database that already has synthetic patients (e.g. from bench/generate.sh with
GEN_KEEP=1), a size at or below their number times that database as it is, generating nothing.

At each size it grows the database with `synth(..., append=True)`, runs ANALYZE, and times, as
median and interquartile range over BENCH_REPEAT runs:
  baseline      SELECT count(*) FROM the stop-point table (a sequential scan)
  worklist      pathways.selectors.worklist for the nurse of unit synth-001-hjemme-1
  worklist page pathways.selectors.worklist_page (the page: 25 cards a section, full totals)
  badge         pathways.selectors.worklist_counts for the same nurse (every page's menu)
  patients      the nurse's patient list, first page of 50 (visible_to)
  measures 1    every default measure x 24 months for municipality synth-001 (one query each)
  measures all  every default measure x 24 months for every municipality (a loop: N x 10)
and prints each as a ratio to the baseline of the same size, with the query counts, and on
PostgreSQL whether the work list's plan scans the whole stop-point table.
"""

from __future__ import annotations

import os
import platform
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django

django.setup()

from benchtools import summary, timed  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from forlop.core.models import Organisation, User  # noqa: E402
from forlop.demo.synth import Summary, synth  # noqa: E402
from forlop.measures.models import Measure  # noqa: E402
from forlop.measures.selectors import (  # noqa: E402
    default_window,
    measure_series,
    scope_for_organisation,
)
from forlop.pathways import selectors as pathway_selectors  # noqa: E402
from forlop.pathways.models import Pathway, StopPoint  # noqa: E402
from forlop.patients.models import Patient  # noqa: E402

# A sequential scan of the stop-point table itself (not of pathways_stoppointdefinition).
SEQ_SCAN = re.compile(r"Seq Scan on pathways_stoppoint\s")
# The tables that grow with the country: a card query must look their rows up, not scan them.
BIG_SEQ_SCAN = re.compile(r"Seq Scan on (patients_patient|pathways_pathway)\s")


def queries(fn: Callable[[], object]) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return [q["sql"] for q in captured.captured_queries]


def widest_stop_point_query(fn: Callable[[], object]) -> str:
    """The work list's card query: the longest SELECT of the stop points (not the roles)."""
    selects = [q for q in queries(fn) if q.startswith("SELECT") and "pathways_stoppoint" in q]
    return max(selects, key=len)


def execution_ms(plan: str) -> float:
    found = re.search(r"Execution Time: ([0-9.]+) ms", plan)
    return float(found.group(1)) if found else float("nan")


def count_stop_points() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pathways_stoppoint")
        return int(cursor.fetchone()[0])


def explain(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def main() -> None:
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "8000,40000").split(",")]
    repeat = int(os.environ.get("BENCH_REPEAT", "15"))
    ppm = int(os.environ.get("BENCH_PPM", "4000"))
    seed = int(os.environ.get("BENCH_SEED", "1"))
    goals = os.environ.get("BENCH_GOALS", "1") != "0"
    call_command("migrate", verbosity=0)
    print(f"# {connection.vendor}, Python {platform.python_version()}, {os.cpu_count()} cpus")
    print(
        f"# sizes {sizes}, {repeat} repeats, {ppm} patients per municipality, seed {seed},"
        f" goals {goals}"
    )
    only = re.compile(os.environ.get("BENCH_ONLY", ""))
    results = []
    have = Patient.objects.filter(municipality__code__startswith="synth-").count()
    for size in sizes:
        t0 = time.perf_counter()
        made = Summary()
        if size > have:
            made = synth(
                patients=size - have,
                seed=seed,
                patients_per_municipality=ppm,
                append=True,
                goals=goals,
            )
            have = size
        generated = time.perf_counter() - t0
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        nurse = User.objects.get(username="synth-001-sykepleier-1")
        from django.utils import timezone

        now = timezone.now()
        first, last = default_window(today=timezone.localdate(), period="month", count=24)
        measures = list(Measure.objects.filter(organisation__isnull=True).order_by("code"))
        if not measures:
            measures = list(Measure.objects.order_by("code"))
        orgs = list(Organisation.objects.filter(code__startswith="synth-").order_by("code"))
        one = scope_for_organisation(orgs[0])
        every = [scope_for_organisation(o) for o in orgs]

        def measures_for(scopes, measures=measures, now=now, first=first, last=last):
            for scope in scopes:
                for m in measures:
                    measure_series(m, scope=scope, first=first, last=last, as_of=now)

        ops: dict[str, Callable[[], object]] = {
            "worklist": lambda nurse=nurse, now=now: pathway_selectors.worklist(
                user=nurse, now=now
            ),
            "worklist page (25 cards a section)": lambda nurse=nurse, now=now: (
                pathway_selectors.worklist_page(user=nurse, now=now)
            ),
            "badge": lambda nurse=nurse, now=now: pathway_selectors.worklist_counts(
                user=nurse, now=now
            ),
            "patients (first 50)": lambda nurse=nurse, now=now: list(
                Patient.objects.visible_to(nurse, now=now)[:50]
            ),
            # Before issue 16: the same counts through the EXISTS-per-patient form of the rule.
            "badge, old EXISTS rule": lambda nurse=nurse, now=now: (
                StopPoint.objects.open()
                .in_running_pathways()
                .filter(pathway__patient__in=Patient.objects.accessible_to(nurse, now=now))
                .count()
            ),
            "patients (first 50), old EXISTS rule": lambda nurse=nurse, now=now: list(
                Patient.objects.accessible_to(nurse, now=now)[:50]
            ),
            "measures x24, one municipality": lambda one=one: measures_for([one]),
            "measures x24, every municipality": lambda every=every: measures_for(every),
        }
        listed = pathway_selectors.worklist(user=nurse, now=now)
        row = {
            "size": size,
            "generated s": generated,
            "made": made.as_dict(),
            "pathways": Pathway.objects.count(),
            "stop points": StopPoint.objects.count(),
            "running in unit": Pathway.objects.filter(
                unit__code="synth-001-hjemme-1", ended_at__isnull=True
            ).count(),
            "cards": listed.total,
            "municipalities": len(orgs),
            "measures": len(measures),
            "baseline": summary(timed(count_stop_points, repeat)),
            "ops": {},
        }
        for name, fn in ops.items():
            if not only.search(name):
                continue
            n_queries = len(queries(fn))
            r = repeat if "every" not in name else max(3, repeat // 5)
            row["ops"][name] = (summary(timed(fn, r)), n_queries)
        if connection.vendor == "postgresql":
            sql = widest_stop_point_query(
                lambda nurse=nurse, now=now: pathway_selectors.worklist(user=nurse, now=now)
            )
            plan = explain(sql)
            row["worklist seq scan of stop points"] = bool(SEQ_SCAN.search(plan))
            row["worklist seq scan of patients or pathways"] = bool(BIG_SEQ_SCAN.search(plan))
            row["worklist plan ms"] = execution_ms(plan)
            page_plan = explain(
                widest_stop_point_query(
                    lambda nurse=nurse, now=now: pathway_selectors.worklist_page(
                        user=nurse, now=now
                    )
                )
            )
            row["worklist page seq scan of stop points"] = bool(SEQ_SCAN.search(page_plan))
            row["worklist page seq scan of patients or pathways"] = bool(
                BIG_SEQ_SCAN.search(page_plan)
            )
            badge_sql = queries(
                lambda nurse=nurse, now=now: pathway_selectors.worklist_counts(user=nurse, now=now)
            )[0]
            row["badge seq scan of stop points"] = "Seq Scan on pathways_stoppoint" in explain(
                badge_sql
            )
            if os.environ.get("BENCH_SHOW_PLAN"):
                print(plan)
        results.append(row)
        report(row)
    if len(results) > 1:
        print("\n## growth: largest / smallest size (median)")
        a, b = results[0], results[-1]
        print(f"stop points x{b['stop points'] / a['stop points']:.1f}")
        print(f"baseline x{b['baseline'][0] / a['baseline'][0]:.2f}")
        for name in a["ops"]:
            print(f"{name} x{b['ops'][name][0][0] / a['ops'][name][0][0]:.2f}")


def report(row: dict) -> None:
    base = row["baseline"][0]
    print(
        f"\n## {row['size']} patients: {row['pathways']} pathways, {row['stop points']} stop"
        f" points, {row['municipalities']} municipalities; generated in"
        f" {row['generated s']:.1f} s ({row['made']})"
    )
    print(
        f"unit synth-001-hjemme-1: {row['running in unit']} running pathways;"
        f" the nurse's work list: {row['cards']} cards; {row['measures']} measures"
    )
    for key in (
        "worklist seq scan of stop points",
        "worklist seq scan of patients or pathways",
        "worklist plan ms",
        "worklist page seq scan of stop points",
        "worklist page seq scan of patients or pathways",
        "badge seq scan of stop points",
    ):
        if key in row:
            print(f"{key}: {row[key]}")
    print("| operation | median | IQR | ratio to baseline | queries |")
    print("|---|---|---|---|---|")
    print(
        f"| baseline: `SELECT count(*)` of the stop points | {base * 1000:.2f} ms"
        f" | {row['baseline'][1] * 1000:.2f} ms | 1.0× | 1 |"
    )
    for name, ((median, iqr), n) in row["ops"].items():
        print(
            f"| {name} | {median * 1000:.2f} ms | {iqr * 1000:.2f} ms | {median / base:.1f}× | {n} |"
        )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
