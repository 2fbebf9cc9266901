"""`forlop emergency_escalate`: escalate emergency access not reviewed in time (run from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from forlop.patients import services


class Command(BaseCommand):
    help = "Escalate unreviewed emergency access older than FORLOP_EMERGENCY_REVIEW_HOURS."

    def handle(self, *args: Any, **options: Any) -> None:
        escalated = services.emergency_access_escalate_overdue()
        # Ids only: no names or identity numbers in a cron mail or a log.
        self.stdout.write(f"escalated {len(escalated)} grant(s): {[g.pk for g in escalated]}")
