"""Periodic jobs for the shared worker (`forlop worker`), registered by the apps that own them.

Core runs the worker but knows no domain app: an app registers its job in its
``AppConfig.ready()`` (``notifications`` registers the reminder scheduler). A job takes the time
and a worker id, must be idempotent and safe to run in two workers at once: the worker calls it
every ``every_seconds`` and keeps no state between calls.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class PeriodicJob:
    name: str
    every_seconds: int
    run: Callable[[datetime, str], object]
    """``run(now, worker_id)``; what it returns is logged."""


_jobs: dict[str, PeriodicJob] = {}


def register(job: PeriodicJob) -> None:
    _jobs[job.name] = job  # re-registering (tests, autoreload) replaces


def jobs() -> list[PeriodicJob]:
    return sorted(_jobs.values(), key=lambda job: job.name)
