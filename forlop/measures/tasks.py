"""Background tasks of the measures app (django-tasks; the database backend in production)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from forlop.measures.rollup import rollup_refresh, rollup_window


@task()
def measures_rollup_refresh() -> dict[str, object]:
    """Bring the measures' rollup up to now (incremental); idempotent, so a retry does no
    harm, and two at once are serialised by the rollup's lock."""
    first, last = rollup_window(today=timezone.localdate())
    report = rollup_refresh(now=timezone.now(), first=first, last=last)
    return {"rebuilt": list(report.rebuilt), "units": report.units, "cells": report.cells}
