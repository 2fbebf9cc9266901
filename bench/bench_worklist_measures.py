"""Benchmark: the work list and a measure series on the demo data, against plain reads.

Run: make bench   (or: .venv/bin/python bench/bench_worklist_measures.py)
Loads `forlop demo` (30 patients, running pathways, 30 months of measure history for two
districts) into an in-memory SQLite database, then times
  baseline     list(StopPoint.objects.all()[:50])            (a plain read of 50 rows)
  worklist     pathways.selectors.worklist(user=nurse)       (service-need rule, role filter, audit)
  measure      measures.selectors.measure_series(hph2, Horten, 24 months, run chart)
  spc only     measures.spc.run_chart on 24 points            (the pure analysis alone)
  care plan    pathways.selectors.care_plan for the patient with the most answers
and prints median and interquartile range per call, and the ratio to the baseline.
"""

from __future__ import annotations

import os
import platform
import sys
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

import django

django.setup()

from benchtools import summary  # noqa: E402
from benchtools import timed as _timed  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from forlop.core.models import User  # noqa: E402
from forlop.demo.loader import load_demo  # noqa: E402
from forlop.measures import spc  # noqa: E402
from forlop.measures.models import Measure  # noqa: E402
from forlop.measures.selectors import default_window, measure_series, scope_get_by_code  # noqa: E402
from forlop.pathways import selectors as pathway_selectors  # noqa: E402
from forlop.pathways.models import StopPoint  # noqa: E402
from forlop.patients.models import Patient  # noqa: E402

# This script's figures were taken without a warm-up call before the timed ones.
timed = partial(_timed, warm=False)


def main() -> None:
    repeat = int(os.environ.get("BENCH_REPEAT", "100"))
    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    load_demo(today=today)
    nurse = User.objects.get(username="sykepleier")
    now = timezone.now()
    measure = Measure.objects.get(code="hph2-within-3-days")
    scope = scope_get_by_code(code="horten")
    first, last = default_window(today=today, period="month")
    values = [float(i % 7) for i in range(24)]
    busiest = (
        Patient.objects.annotate(n=Count("pathways__stop_points__answers")).order_by("-n").first()
    )

    base = timed(lambda: list(StopPoint.objects.all()[:50]), repeat)
    runs = {
        "worklist": timed(lambda: pathway_selectors.worklist(user=nurse, now=now), repeat),
        "measure 24 mo": timed(
            lambda: measure_series(measure, scope=scope, first=first, last=last, as_of=now), repeat
        ),
        "spc only": timed(lambda: spc.run_chart(values), repeat),
        "care plan": timed(lambda: pathway_selectors.care_plan(patient=busiest), repeat),
    }
    b_med, _ = summary(base)
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cpu, Python {platform.python_version()}, SQLite in memory"
    )
    print(f"demo data: {StopPoint.objects.count()} stop points; repeats: {repeat}")
    med, iqr = summary(base)
    print(f"{'baseline 50':14} median {med * 1e3:7.3f} ms  IQR {iqr * 1e3:6.3f} ms  ratio   1.0x")
    for name, samples in runs.items():
        med, iqr = summary(samples)
        print(
            f"{name:14} median {med * 1e3:7.3f} ms  IQR {iqr * 1e3:6.3f} ms  ratio {med / b_med:5.1f}x"
        )


if __name__ == "__main__":
    main()
