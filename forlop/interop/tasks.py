"""Background work of the interop layer (django-tasks; immediate in development and tests)."""

from __future__ import annotations

from django_tasks import task

from forlop.interop.fhir import bulk


@task()
def bulk_export_run(job_id: int) -> None:
    """Write the NDJSON files of a $export job (idempotent: a finished job is left alone)."""
    bulk.export_run(job_id=job_id)
