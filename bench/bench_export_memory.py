"""Benchmark: the FHIR bulk export's rate and peak memory, and the xlsx export of a network's
measures, as the database grows (issue 16, item 4: "memory flat with size").

Run: bash bench/export_memory.sh   (a throw-away PostgreSQL of its own; see docs/benchmarks.md)
  or: DATABASE_URL=... .venv/bin/python bench/bench_export_memory.py   (an EMPTY database: it
      migrates it and fills it with `forlop synth`, goals and scorings included)

Environment: BENCH_SIZES (patients after each step, default "1000,4000,10000"), BENCH_RUNS
(runs of each measurement per size, default 3), BENCH_PPM (patients per municipality, default
4000), BENCH_SEED (default 1), BENCH_BEFORE (another source tree, such as main's from
`git archive`, measured on the same data in the same run; it needs its compiled .mo files),
BENCH_BEFORE_RUNS (runs for that tree, default 1), BENCH_XLSX_SHEETS (also write the network's
series repeated to that many sheets, at the first size only; default 0: not), BENCH_JSON (a
file for the raw results).

At each size it grows the database with `synth(..., append=True)`, runs ANALYZE, makes (or
widens) the network `bench-network` of every synthetic municipality, and then measures, each
run in a fresh Python process (so its peak RSS is its own: VmHWM from /proc/self/status,
reset through /proc/self/clear_refs where a phase starts):

  fhir          forlop.interop.fhir.bulk.export_ndjson of every type for every patient (what
                `forlop export_fhir` and $export call; the audit rows included), into a
                temporary directory removed afterwards: resources per second, and the peak RSS
                against the RSS after django.setup() and the imports (the baseline for memory);
                `SELECT count(*)` of the stop-point table is timed in the same process (the
                baseline for time)
  xlsx network  forlop.measures.exports.to_xlsx of the network's measures (every measure of its
                scope x 24 months, computed once by this script and handed over pickled), against
                to_csv of the same series in the same process
  xlsx every    the same for every municipality's default measures (a sheet per measure and
                municipality: the sheet count grows with the data)
  command       `forlop measures --org bench-network --format xlsx -o FILE` as a whole (the
                measures computed, then written), against count(*)

The same runs with the BENCH_BEFORE tree, if given, on the same database.
"""

from __future__ import annotations

import json
import os
import pickle
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent


def _status(field: str) -> int:
    """A field of /proc/self/status in bytes (VmRSS: now, VmHWM: the peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(field)


def _reset_peak() -> None:
    """Set VmHWM to the current RSS (Linux: clear_refs 5), so the next peak is the phase's."""
    Path("/proc/self/clear_refs").write_text("5")


def _median_ms(fn: Any, repeat: int = 5) -> float:
    fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


# --- the child: one measurement in a fresh process ------------------------------------------


def child(kind: str, tree: str, arg: str) -> None:
    sys.path.insert(0, tree)
    os.chdir(tree)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import gc

    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone, translation

    def count_stop_points() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pathways_stoppoint")
            return int(cursor.fetchone()[0])

    out: dict[str, Any] = {"kind": kind, "tree": tree}
    if kind == "fhir":
        from forlop.interop.fhir import bulk
        from forlop.interop.fhir.resources import Caller
        from forlop.patients.models import Patient

        out["baseline ms"] = _median_ms(count_stop_points)
        caller = Caller(
            user=None,
            now=timezone.now(),
            patients=Patient.objects.all(),
            client_id="bench:export_memory",
        )
        with tempfile.TemporaryDirectory(prefix="bench-fhir-") as directory:
            gc.collect()
            out["rss base"] = _status("VmRSS")
            _reset_peak()
            t0 = time.perf_counter()
            files = bulk.export_ndjson(caller=caller, directory=Path(directory))
            out["seconds"] = time.perf_counter() - t0
            out["rss peak"] = _status("VmHWM")
            out["resources"] = {f.resource_type: f.count for f in files}
            out["bytes"] = sum(f.path.stat().st_size for f in files)
    elif kind == "xlsx":
        from forlop.measures import exports

        with translation.override("nb"):
            series = pickle.loads(Path(arg).read_bytes())  # noqa: S301 - our own file
            out["sheets"] = len(series)
            out["baseline ms"] = _median_ms(lambda: exports.to_csv(series))
            gc.collect()
            out["rss base"] = _status("VmRSS")
            _reset_peak()
            t0 = time.perf_counter()
            content = exports.to_xlsx(series)
            out["seconds"] = time.perf_counter() - t0
            out["rss peak"] = _status("VmHWM")
            out["bytes"] = len(content)
    elif kind == "command":
        from django.core.management import call_command

        out["baseline ms"] = _median_ms(count_stop_points)
        with tempfile.TemporaryDirectory(prefix="bench-xlsx-") as directory:
            target = Path(directory) / "network.xlsx"
            gc.collect()
            out["rss base"] = _status("VmRSS")
            _reset_peak()
            t0 = time.perf_counter()
            with translation.override("nb"):
                call_command("measures", "--org", arg, "--format", "xlsx", "-o", str(target))
            out["seconds"] = time.perf_counter() - t0
            out["rss peak"] = _status("VmHWM")
            out["bytes"] = target.stat().st_size
    else:
        raise SystemExit(f"unknown child {kind}")
    print("RESULT " + json.dumps(out))


def run_child(kind: str, tree: Path, arg: str = "") -> dict[str, Any]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    done = subprocess.run(  # noqa: S603 - this script, with arguments it made
        [sys.executable, __file__, "--child", kind, str(tree), arg],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{kind} in {tree} failed:\n{done.stderr[-3000:]}")
    return json.loads(lines[-1][len("RESULT ") :])


# --- the parent: grow the data, run the children, report -------------------------------------


def spread(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


def mib(n: float) -> float:
    return n / 2**20


def main() -> None:
    sys.path.insert(0, str(HERE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone, translation

    from forlop.core.models import Organisation
    from forlop.demo.synth import synth
    from forlop.goals.models import Goal, Scoring
    from forlop.improvement.models import Network
    from forlop.measures.models import Measure
    from forlop.measures.selectors import (
        default_window,
        measure_series,
        measure_series_grouped,
        measures_for_scope,
        scope_for_organisation,
        scope_get_by_code,
    )
    from forlop.pathways.models import Pathway, StopPoint
    from forlop.patients.models import Patient

    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,4000,10000").split(",")]
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    ppm = int(os.environ.get("BENCH_PPM", "4000"))
    seed = int(os.environ.get("BENCH_SEED", "1"))
    before = os.environ.get("BENCH_BEFORE", "")
    before_runs = int(os.environ.get("BENCH_BEFORE_RUNS", "1"))
    many_sheets = int(os.environ.get("BENCH_XLSX_SHEETS", "0"))
    trees: list[tuple[str, Path, int]] = [("after", HERE, runs)]
    if before:
        trees.append(("before", Path(before).resolve(), before_runs))
    call_command("migrate", verbosity=0)
    print(
        f"# {connection.vendor}, Python {platform.python_version()}, {os.cpu_count()} cpus,"
        f" {platform.platform()}"
    )
    print(
        f"# sizes {sizes}, {runs} runs (before: {before or '-'}, {before_runs} runs),"
        f" {ppm} patients per municipality, seed {seed}; started"
        f" {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())} UTC"
    )
    results: list[dict[str, Any]] = []
    have = 0
    work = Path(tempfile.mkdtemp(prefix="bench-export-"))
    for size in sizes:
        t0 = time.perf_counter()
        synth(patients=size - have, seed=seed, patients_per_municipality=ppm, append=True)
        generated = time.perf_counter() - t0
        have = size
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        municipalities = list(
            Organisation.objects.filter(
                code__startswith="synth-", kind=Organisation.Kind.MUNICIPALITY
            ).order_by("code")
        )
        network, _created = Network.objects.get_or_create(
            code="bench-network",
            defaults={
                "name": "Bench network",
                "starts_on": timezone.localdate().replace(day=1, month=1),
                "ends_on": timezone.localdate().replace(day=31, month=12),
            },
        )
        network.members.set(municipalities)
        now = timezone.now()
        first, last = default_window(today=timezone.localdate(), period="month", count=24)
        with translation.override("nb"):
            scope = scope_get_by_code(code=network.code)
            network_series = [
                measure_series(m, scope=scope, first=first, last=last, as_of=now)
                for m in measures_for_scope(scope=scope)
            ]
            scopes = [scope_for_organisation(o) for o in municipalities]
            every_series = []
            for m in Measure.objects.filter(organisation__isnull=True, active=True).order_by(
                "order"
            ):
                by_scope = measure_series_grouped(
                    m, scopes=scopes, first=first, last=last, as_of=now
                )
                every_series.extend(by_scope[s.code] for s in scopes)
        (work / "network.pickle").write_bytes(pickle.dumps(network_series))
        (work / "every.pickle").write_bytes(pickle.dumps(every_series))
        kinds = [
            ("fhir", ""),
            ("xlsx network", str(work / "network.pickle")),
            ("xlsx every", str(work / "every.pickle")),
            ("command", network.code),
        ]
        if many_sheets and size == sizes[0]:
            # The national case without the data: the network's series repeated to N sheets.
            repeated = (network_series * (many_sheets // len(network_series) + 1))[:many_sheets]
            (work / "many.pickle").write_bytes(pickle.dumps(repeated))
            kinds.append((f"xlsx {many_sheets} sheets", str(work / "many.pickle")))
        row: dict[str, Any] = {
            "size": size,
            "generated s": generated,
            "patients": Patient.objects.count(),
            "pathways": Pathway.objects.count(),
            "stop points": StopPoint.objects.count(),
            "goals": Goal.objects.count(),
            "scorings": Scoring.objects.count(),
            "municipalities": len(municipalities),
            "load": Path("/proc/loadavg").read_text().split()[:3],
            "started": time.strftime("%H:%M:%S", time.gmtime()),
            "measured": {},
        }
        for label, tree, n in trees:
            for kind, arg in kinds:
                child_kind = "xlsx" if kind.startswith("xlsx") else kind
                row["measured"][f"{label} {kind}"] = [
                    run_child(child_kind, tree, arg) for _ in range(n)
                ]
        row["finished"] = time.strftime("%H:%M:%S", time.gmtime())
        results.append(row)
        report(row, [label for label, _t, _n in trees])
    if os.environ.get("BENCH_JSON"):
        Path(os.environ["BENCH_JSON"]).write_text(json.dumps(results, indent=1))
    summary(results, [label for label, _t, _n in trees])


def report(row: dict[str, Any], labels: list[str]) -> None:
    print(
        f"\n## {row['size']} patients: {row['pathways']} pathways, {row['stop points']} stop"
        f" points, {row['goals']} goals, {row['scorings']} scorings, {row['municipalities']}"
        f" municipalities; generated in {row['generated s']:.1f} s; load {row['load']};"
        f" measured {row['started']}–{row['finished']} UTC"
    )
    print(
        "| tree | measurement | runs | seconds median (min–max) | rate or size |"
        " baseline | time / baseline | RSS after setup | peak RSS median (min–max) |"
        " peak − setup |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    kinds = list(dict.fromkeys(key.split(" ", 1)[1] for key in row["measured"]))
    for label in labels:
        for kind in kinds:
            samples = row["measured"][f"{label} {kind}"]
            secs = spread([s["seconds"] for s in samples])
            peak = spread([s["rss peak"] for s in samples])
            base = statistics.median(s["rss base"] for s in samples)
            baseline_ms = statistics.median(s["baseline ms"] for s in samples)
            if kind == "fhir":
                total = sum(samples[0]["resources"].values())
                rates = spread([total / s["seconds"] for s in samples])
                what = f"{total:,} resources, {rates[0]:,.0f}/s ({rates[1]:,.0f}–{rates[2]:,.0f})"
                base_name = "count(*)"
            elif kind == "command":
                what = f"{samples[0]['bytes']:,} bytes"
                base_name = "count(*)"
            else:
                what = f"{samples[0]['sheets']} sheets, {samples[0]['bytes']:,} bytes"
                base_name = "to_csv"
            print(
                f"| {label} | {kind} | {len(samples)} | {secs[0]:.2f} ({secs[1]:.2f}–{secs[2]:.2f})"
                f" | {what} | {base_name} {baseline_ms:.2f} ms"
                f" | {secs[0] * 1000 / baseline_ms:.0f}× | {mib(base):.1f} MiB"
                f" | {mib(peak[0]):.1f} MiB ({mib(peak[1]):.1f}–{mib(peak[2]):.1f})"
                f" | {mib(peak[0] - base):.1f} MiB |"
            )
    sys.stdout.flush()


def summary(results: list[dict[str, Any]], labels: list[str]) -> None:
    if len(results) < 2:
        return
    a, b = results[0], results[-1]
    print(
        f"\n## growth: {b['size']} / {a['size']} patients (medians):"
        f" pathways ×{b['pathways'] / a['pathways']:.1f},"
        f" stop points ×{b['stop points'] / a['stop points']:.1f}"
    )
    for label in labels:
        for kind in ("fhir", "xlsx network", "xlsx every", "command"):
            first = a["measured"][f"{label} {kind}"]
            last = b["measured"][f"{label} {kind}"]

            def med(samples: list[dict[str, Any]], key: str) -> float:
                return statistics.median(s[key] for s in samples)

            growth_a = med(first, "rss peak") - med(first, "rss base")
            growth_b = med(last, "rss peak") - med(last, "rss base")
            print(
                f"{label} {kind}: peak RSS ×{med(last, 'rss peak') / med(first, 'rss peak'):.2f}"
                f" ({mib(med(first, 'rss peak')):.1f} → {mib(med(last, 'rss peak')):.1f} MiB),"
                f" above setup {mib(growth_a):.1f} → {mib(growth_b):.1f} MiB;"
                f" seconds ×{med(last, 'seconds') / med(first, 'seconds'):.2f}"
            )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else "")
    else:
        main()
