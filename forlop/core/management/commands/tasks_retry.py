"""`forlop tasks_retry`: put crashed background tasks back in the queue (run it from cron)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from forlop.core.task_retry import tasks_retry


class Command(BaseCommand):
    help = "Requeue failed background tasks, and tasks whose worker died, up to N attempts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--max-attempts", type=int, default=3)
        parser.add_argument("--backoff-seconds", type=int, default=60)
        parser.add_argument("--stale-minutes", type=int, default=30)

    def handle(self, *args: Any, **options: Any) -> None:
        ids = tasks_retry(
            max_attempts=options["max_attempts"],
            backoff_seconds=options["backoff_seconds"],
            stale_after=timedelta(minutes=options["stale_minutes"]),
        )
        self.stdout.write(f"{len(ids)} task(s) to run again")
