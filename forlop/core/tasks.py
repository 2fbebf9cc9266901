"""Background tasks of core (django-tasks; the database backend and its worker in production)."""

from __future__ import annotations

import logging

from django_tasks import task

from forlop.core.audit import audit_chain_verify

log = logging.getLogger("forlop.audit")


@task()
def audit_chain_check() -> dict[str, object]:
    """Verify the audit chain and log its head (ship the log off the server: an anchor).

    Read-only and idempotent, so running it again after a crash does no harm.
    """
    report = audit_chain_verify()
    if report.first_broken_id is not None:
        log.error("audit chain broken at event %s", report.first_broken_id)
    else:
        log.info(
            "audit chain intact: %s rows; head %s:%s", report.rows, report.head_id, report.head_hash
        )
    return {
        "rows": report.rows,
        "first_broken_id": report.first_broken_id,
        "head": f"{report.head_id}:{report.head_hash}",
    }
