"""Background tasks of the patients app (django-tasks; the database backend in production)."""

from __future__ import annotations

from django_tasks import task

from forlop.patients import services


@task()
def emergency_access_escalate() -> list[int]:
    """Escalate overdue emergency-access reviews; idempotent, so a retry does no harm."""
    return [grant.pk for grant in services.emergency_access_escalate_overdue()]
