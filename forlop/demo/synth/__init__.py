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
municipality's number) and one more for its goals, and identity numbers computed from each
patient's place in the run. The number of processes does not change the rows.

Fast and bounded in memory: rows are built as plain tuples (one layout per table,
``forlop.demo.synth.tables``), with the keys that other rows refer to taken from the tables'
sequences in blocks, and written one batch of patients at a time, one transaction each, by
PostgreSQL ``COPY`` (elsewhere one ``executemany`` per table). On PostgreSQL ``workers``
processes share the municipalities. Into empty tables on PostgreSQL, the secondary indexes
are built after the load (``forlop.demo.synth.indexes``); constraints stay as they are. See
docs/benchmarks.md for the figures.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.queues
import queue
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from asgiref.local import Local
from django.db import connection, connections, transaction

from forlop.core.models import Organisation
from forlop.demo.synth.base import (
    BATCH_PATIENTS,
    PREFIX,
    IdentityNumbers,
    Summary,
    _batches,
    _templates,
)
from forlop.demo.synth.indexes import indexes_set_aside
from forlop.demo.synth.rows import _Context, _Keys, _municipality, _patient_rows
from forlop.demo.synth.tables import (
    EVENT,
    GOAL,
    PATHWAY,
    PATIENT,
    SCORING,
    STOP_POINT,
    TABLES,
    check_layouts,
)
from forlop.demo.synth.write import Chunk, write_chunk
from forlop.goals.services import form_version_national_default_ensure
from forlop.measures.definitions import install_default_measures
from forlop.patients.models import Patient

__all__ = ["PREFIX", "IdentityNumbers", "Summary", "synth"]


@dataclass(frozen=True)
class _Job:
    """One municipality's share of a run: its number, its first patient's place among all the
    synthetic patients, and its size."""

    number: int
    first_patient: int
    patients: int


@dataclass(frozen=True)
class _Run:
    """What every municipality of a run shares."""

    seed: int
    now: datetime
    years: int
    goals: bool


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
    workers: int = 1,
    notice: Callable[[str], None] | None = None,
) -> Summary:
    """Generate ``patients`` synthetic patients in municipalities of
    ``patients_per_municipality`` (the last one may be smaller); see the module docstring.

    ``now`` fixes the clock (the default is the current time, truncated to the hour, so a run
    on the same day and seed gives the same rows). ``progress`` is called with the number of
    patients written so far after each batch; ``goals=False`` leaves out the goals and scorings
    (the pathways and stop points are the same either way). Refuses to run twice in one
    database unless ``append``: then it adds municipalities after the ones there (a benchmark
    growing the database in steps; with full municipalities, the same rows as one run of the
    total). ``workers`` above 1 (PostgreSQL only, outside a transaction: each process has its
    own connection) writes that many municipalities at once. ``notice`` is told when the
    indexes set aside for the load are being built again (the last minute of a large run).
    """
    if patients < 1 or patients_per_municipality < 1 or years < 1 or workers < 1:
        raise ValueError(
            "patients, patients per municipality, years and workers must be at least 1"
        )
    if workers > 1 and (connection.vendor != "postgresql" or connection.in_atomic_block):
        raise ValueError("more than one worker needs PostgreSQL, outside a transaction")
    check_layouts()
    existing = Organisation.objects.filter(code__startswith=f"{PREFIX}-").count()
    if existing and not append:
        raise ValueError("this database already has synthetic data (organisations synth-*)")
    before = Patient.objects.filter(municipality__code__startswith=f"{PREFIX}-").count()
    if now is None:
        from django.utils import timezone

        now = timezone.now().replace(minute=0, second=0, microsecond=0)
    install_default_measures()
    form_version_national_default_ensure()
    _templates()  # the national templates installed once, before any worker reads them
    run = _Run(seed=seed, now=now, years=years, goals=goals)
    jobs = [
        _Job(number=number, first_patient=before + first, patients=count)
        for number, (first, count) in enumerate(
            _batches(patients, patients_per_municipality), start=existing + 1
        )
    ]
    summary = Summary()
    done = 0

    def report(part: Summary, patients_written: int) -> None:
        nonlocal done
        summary.add(part)
        done += patients_written
        if progress is not None:
            progress(done)

    with indexes_set_aside([table.name for table in TABLES]) as set_aside:
        if workers == 1 or len(jobs) == 1:
            for job in jobs:
                _municipality_run(run, job, report)
        else:
            _in_processes(run, jobs, min(workers, len(jobs)), report)
        if set_aside and notice is not None:
            notice(f"Building the {len(set_aside)} indexes set aside for the load")
    return summary


def _municipality_run(run: _Run, job: _Job, report: Callable[[Summary, int], None]) -> None:
    """Generate one municipality, one transaction per batch of patients."""
    rng = random.Random(f"{run.seed}-{job.number}")
    with transaction.atomic():
        muni = _municipality(job.number, rng)
    ctx = _Context(
        rng=rng,
        goals_rng=random.Random(f"{run.seed}-{job.number}-goals") if run.goals else None,
        muni=muni,
        templates=_templates(),
        keys=_Keys(),
        now=run.now,
        years=run.years,
        change_at=run.now - timedelta(days=365 * run.years / 2),
        goal_version_id=form_version_national_default_ensure().pk,
    )
    numbers = IdentityNumbers()
    report(Summary(municipalities=1), 0)
    for b_start, b_count in _batches(job.patients, BATCH_PATIENTS):
        chunk = Chunk()
        for i in range(b_start, b_start + b_count):
            number, birth = numbers.at(job.first_patient + i)
            _patient_rows(ctx, chunk, index=i, number=number, birth=birth)
        with transaction.atomic():
            write_chunk(chunk, organisation_id=muni.org.pk)
        report(_counted(chunk), b_count)


def _counted(chunk: Chunk) -> Summary:
    return Summary(
        patients=chunk.count(PATIENT),
        pathways=chunk.count(PATHWAY),
        stop_points=chunk.count(STOP_POINT),
        events=chunk.count(EVENT),
        goals=chunk.count(GOAL),
        scorings=chunk.count(SCORING),
    )


# The worker processes' channel back to the parent (set in each worker by the pool).
_reports: multiprocessing.queues.Queue[tuple[Summary, int]] | None = None


# The connection objects a worker inherited from the parent (see _worker_start).
_inherited: list[object] = []


def _worker_start(reports: multiprocessing.queues.Queue[tuple[Summary, int]]) -> None:
    global _reports  # one per worker process, set once by the pool
    _reports = reports
    # Fresh connection objects in each forked worker. The parent closes its connections before
    # it forks, but one Django does not close there (a connection marked closed in a
    # transaction, say) would be shared by both workers: two processes on one socket, and an
    # INSERT answered "the last operation didn't produce records (command status: BEGIN)"
    # (once, in a full test run on PostgreSQL). The inherited objects are kept, never used and
    # never closed: closing one would end the parent's session on its socket.
    _inherited.append(connections._connections)
    connections._connections = Local(connections.thread_critical)


def _worker_job(run: _Run, job: _Job) -> None:
    out = _reports
    if out is None:
        raise RuntimeError("a worker started outside the pool")
    try:
        _municipality_run(run, job, lambda part, written: out.put((part, written)))
    finally:
        connections.close_all()


def _in_processes(
    run: _Run, jobs: list[_Job], workers: int, report: Callable[[Summary, int], None]
) -> None:
    """Run the jobs in ``workers`` forked processes, a municipality at a time each, passing
    their batches' counts to ``report`` as they come."""
    context = multiprocessing.get_context("fork")
    reports: multiprocessing.queues.Queue[tuple[Summary, int]] = context.Queue()
    connections.close_all()  # a forked process must not share the parent's connection
    expected = sum(job.patients for job in jobs), len(jobs)
    received = [0, 0]  # patients, municipalities
    with context.Pool(workers, initializer=_worker_start, initargs=(reports,)) as pool:
        pending = pool.starmap_async(_worker_job, [(run, job) for job in jobs], chunksize=1)
        quiet_after_end = 0
        while tuple(received) != expected:
            try:
                part, written = reports.get(timeout=0.5)
            except queue.Empty:
                if pending.ready():
                    pending.get()  # raises a worker's error here
                    quiet_after_end += 1  # the last reports may still be on their way
                    if quiet_after_end > 20:
                        raise RuntimeError(
                            "the workers ended without reporting every batch"
                        ) from None
                continue
            received[0] += written
            received[1] += part.municipalities
            report(part, written)
        pending.get()
