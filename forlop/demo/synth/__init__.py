"""Synthetic data at national scale: `forlop synth --patients N --seed S`.

For benchmarks and load tests, never for a real installation's database. Every identity number
is synthetic (Tenor style, month + 80, valid check digits by python-stdnum's K1/K2), every
organisation number generated; nothing is a real person or organisation.

What it makes, per municipality of ``patients_per_municipality`` patients:

* a municipality (``synth-NNN``) with two home-care units and an allocation office, and one
  nurse, one allocation officer and one leader (no password: they cannot log in);
* patients served by one of the two home-care units, each with one to four pathways over the
  last ``years`` years, of every start reason (discharge, new user, decline at home, annual
  review) on the national templates;
* stop points from each template's definitions, done on time, late or missed, with an on-time
  chance that differs between units and rises after a change half-way through the period
  (so the run charts have something to find);
* falls and admissions, a readmission within 30 days starting a new pathway (``previous``);
* most pathways ended, the newest pathway of about one patient in four still running;
* goals and their baseline and follow-up scorings ("Hva er viktig for deg?") for most
  pathways, improving for most patients (``forlop.demo.synth.goals``).

Deterministic for a seed: one ``random.Random`` per municipality (seeded from the seed and the
municipality's number) and one more for its goals, and identity numbers assigned in order.
Bounded memory: rows are built and written one batch of patients at a time (``bulk_create`` in
batches), then dropped.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import transaction

from forlop.core.models import Organisation
from forlop.demo.synth.base import (
    BATCH_PATIENTS,
    PREFIX,
    IdentityNumbers,
    Summary,
    _batches,
    _templates,
)
from forlop.demo.synth.rows import _municipality, _patient_rows, _Rows
from forlop.demo.synth.write import _write
from forlop.goals.services import form_version_national_default_ensure
from forlop.measures.definitions import install_default_measures
from forlop.patients.models import Patient

__all__ = ["PREFIX", "IdentityNumbers", "Summary", "synth"]


def synth(
    *,
    patients: int,
    seed: int,
    patients_per_municipality: int = 4000,
    years: int = 3,
    now: datetime | None = None,
    append: bool = False,
    progress: Callable[[int], None] | None = None,
    goals: bool = True,
) -> Summary:
    """Generate ``patients`` synthetic patients in municipalities of
    ``patients_per_municipality`` (the last one may be smaller); see the module docstring.

    ``now`` fixes the clock (the default is the current time, truncated to the hour, so a run
    on the same day and seed gives the same rows). ``progress`` is called with the number of
    patients written after each batch; ``goals=False`` leaves out the goals and scorings
    (the pathways and stop points are the same either way). Refuses to run twice in one database unless
    ``append``: then it adds municipalities after the ones there (a benchmark growing the
    database in steps; with full municipalities, the same rows as one run of the total).
    """
    if patients < 1 or patients_per_municipality < 1 or years < 1:
        raise ValueError("patients, patients per municipality and years must be at least 1")
    existing = Organisation.objects.filter(code__startswith=f"{PREFIX}-").count()
    if existing and not append:
        raise ValueError("this database already has synthetic data (organisations synth-*)")
    before = Patient.objects.filter(municipality__code__startswith=f"{PREFIX}-").count()
    if now is None:
        from django.utils import timezone

        now = timezone.now().replace(minute=0, second=0, microsecond=0)
    install_default_measures()
    version_id = form_version_national_default_ensure().pk
    templates = _templates()
    numbers = IdentityNumbers(start=before)
    change_at = now - timedelta(days=365 * years / 2)
    summary = Summary()
    done = 0
    for municipality, (_first, m_count) in enumerate(
        _batches(patients, patients_per_municipality), start=existing + 1
    ):
        rng = random.Random(f"{seed}-{municipality}")
        goals_rng = random.Random(f"{seed}-{municipality}-goals")
        with transaction.atomic():
            muni = _municipality(municipality, rng)
        summary.municipalities += 1
        for b_start, b_count in _batches(m_count, BATCH_PATIENTS):
            rows = _Rows()
            for i in range(b_start, b_start + b_count):
                _patient_rows(
                    rng=rng,
                    muni=muni,
                    numbers=numbers,
                    templates=templates,
                    index=i,
                    now=now,
                    years=years,
                    change_at=change_at,
                    rows=rows,
                )
            with transaction.atomic():
                _write(
                    rows,
                    summary,
                    goals_rng=goals_rng if goals else None,
                    version_id=version_id,
                    now=now,
                    change_at=change_at,
                )
            done += b_count
            if progress is not None:
                progress(done)
    return summary
