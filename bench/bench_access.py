"""Benchmark: the access-checked patient read against a plain primary-key read.

Run: make bench   (or: DJANGO_SETTINGS_MODULE=config.settings_test .venv/bin/python bench/bench_access.py)
Builds a throw-away SQLite database in memory with N patients spread over units, then times
  baseline  Patient.objects.get(pk=...)                 (no access rule, no audit)
  access    patients.selectors.patient_get_for_user()   (service-need rule + audit row)
  list      patient_list_for_user(...)[:50] evaluated   (the nurse's list)
and prints median and interquartile range per call, and the ratio to the baseline.
"""

from __future__ import annotations

import os
import platform
import random
import sys
from datetime import date, timedelta
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

from forlop.core.identifiers import generate_org_number, generate_synthetic  # noqa: E402
from forlop.core.models import Membership, Organisation, Role, Unit, User  # noqa: E402
from forlop.patients.models import Patient, PatientService  # noqa: E402
from forlop.patients.selectors import patient_get_for_user, patient_list_for_user  # noqa: E402

# This script's figures were taken without a warm-up call before the timed ones.
timed = partial(_timed, warm=False)


def build(n_patients: int) -> tuple[User, list[int]]:
    rng = random.Random(7)
    muni = Organisation.objects.create(
        kind="municipality", name="Bench", code="bench", org_number=generate_org_number(rng)
    )
    units = [
        Unit.objects.create(organisation=muni, kind="home_care", name=f"U{i}", code=f"u{i}")
        for i in range(10)
    ]
    nurse = User.objects.create(username="bench-nurse")
    Membership.objects.create(user=nurse, unit=units[0], role=Role.PRIMARY_CONTACT)
    patients = Patient.objects.bulk_create(
        Patient(
            given_name="P",
            family_name=str(i),
            identity_number=generate_synthetic(date(1930, 1, 1) + timedelta(days=i * 7), rng=rng),
            id_kind="fnr",
            synthetic=True,
            municipality=muni,
        )
        for i in range(n_patients)
    )
    PatientService.objects.bulk_create(
        PatientService(patient=p, unit=units[i % 10], started_on=date(2026, 1, 1))
        for i, p in enumerate(patients)
    )
    own = [p.pk for i, p in enumerate(patients) if i % 10 == 0]
    return nurse, own


def main() -> None:
    n = int(os.environ.get("BENCH_PATIENTS", "3000"))
    repeat = int(os.environ.get("BENCH_REPEAT", "300"))
    call_command("migrate", verbosity=0)
    nurse, own = build(n)
    pk = own[len(own) // 2]
    base = timed(lambda: Patient.objects.get(pk=pk), repeat)
    access = timed(lambda: patient_get_for_user(user=nurse, patient_id=pk), repeat)
    listing = timed(lambda: list(patient_list_for_user(user=nurse)[:50]), repeat)
    b_med, _ = summary(base)
    print(
        f"machine: {platform.machine()} {os.cpu_count()} cpu, Python {platform.python_version()}, SQLite in memory"
    )
    print(f"patients: {n}, of which the nurse's unit serves {len(own)}; repeats: {repeat}")
    for name, samples in (("baseline get", base), ("access+audit", access), ("list 50", listing)):
        med, iqr = summary(samples)
        print(
            f"{name:14} median {med * 1e3:7.3f} ms  IQR {iqr * 1e3:6.3f} ms  ratio {med / b_med:5.1f}x"
        )


if __name__ == "__main__":
    main()
