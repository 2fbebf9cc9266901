"""Retrying background tasks that crashed (django-tasks-db keeps a row per task; it has no
retries of its own). A task that raised is FAILED; a task whose worker was killed stays RUNNING.
`tasks_retry()` puts both back in the queue, up to `max_attempts` runs in all (the number of
workers that claimed it), with a growing pause. Our tasks are idempotent and transactional, so a
rerun finishes the work once: a crash rolled back everything the failed run did.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult


def tasks_retry(
    *,
    now: datetime | None = None,
    max_attempts: int = 3,
    backoff_seconds: int = 60,
    stale_after: timedelta = timedelta(minutes=30),
) -> list[str]:
    """Requeue failed and stale tasks; return their ids."""
    now = now or timezone.now()
    requeued = []
    with transaction.atomic():
        candidates = DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status__in=[TaskResultStatus.FAILED, TaskResultStatus.RUNNING]
        )
        for result in candidates:
            attempts = len(result.worker_ids)
            if attempts >= max_attempts:
                continue
            if result.status == TaskResultStatus.RUNNING and (
                result.started_at is None or result.started_at > now - stale_after
            ):
                continue  # still running, as far as we can tell
            result.status = TaskResultStatus.READY
            result.run_after = now + timedelta(seconds=backoff_seconds * 2 ** max(attempts - 1, 0))
            result.started_at = result.finished_at = None
            result.save(update_fields=["status", "run_after", "started_at", "finished_at"])
            requeued.append(str(result.id))
    return requeued
