"""`forlop notify`: one pass of the reminder scheduler, for cron (the worker runs it too)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from forlop.notifications.services import notifications_run


class Command(BaseCommand):
    help = (
        "Make the notifications that are due, cancel those no longer true, and send the "
        "e-mails due (each exactly once; safe beside a running worker)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--worker-id", default="notify", help="A name for this run in the logs."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        result = notifications_run(now=timezone.now(), worker_id=options["worker_id"])
        self.stdout.write(str(result))
