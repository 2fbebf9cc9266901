"""`forlop worker`: the one background process. It runs the periodic jobs the apps registered
(`core.periodic`: the reminder scheduler) and, with the database task backend, every task in
the django-tasks-db queue, in one loop:

    every --interval seconds: each periodic job whose time has come, then the queued tasks

Run as many as you like (each job is safe in two workers at once); one is enough. With the
immediate backend (development), tasks run inside the request and the worker only runs jobs.
"""

from __future__ import annotations

import logging
import signal
import time
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections
from django.utils import timezone
from django.utils.crypto import get_random_string

from forlop.core import periodic

logger = logging.getLogger("forlop.worker")


def _uses_database_backend() -> bool:
    backend = settings.TASKS.get("default", {}).get("BACKEND", "")
    return backend.startswith("django_tasks_db.")


class Command(BaseCommand):
    help = "Run the periodic jobs (reminders) and the queued background tasks, until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=5.0, help="Seconds between two looks at the queue."
        )
        parser.add_argument(
            "--once",
            action="store_true",
            help="Run every job and every queued task once, then stop.",
        )
        parser.add_argument("--worker-id", default="", help="A name for this worker in the logs.")

    def handle(self, *args: Any, **options: Any) -> None:
        worker_id = options["worker_id"] or f"worker-{get_random_string(8)}"
        interval: float = options["interval"]
        queue = self._queue_worker(worker_id) if _uses_database_backend() else None
        self.running = True
        if not options["once"]:
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
        last_run: dict[str, float] = {}
        self.stdout.write(
            f"{worker_id}: jobs {', '.join(job.name for job in periodic.jobs()) or '(none)'}; "
            f"task queue {'on' if queue else 'off (immediate backend)'}"
        )
        while self.running:
            close_old_connections()
            for job in periodic.jobs():
                due = last_run.get(job.name, 0.0) + job.every_seconds
                if options["once"] or time.monotonic() >= due:
                    last_run[job.name] = time.monotonic()
                    try:
                        result = job.run(timezone.now(), worker_id)
                    except Exception:  # one failing job must not stop the others or the queue
                        logger.exception("periodic job %s failed", job.name)
                    else:
                        logger.info("periodic job %s: %s", job.name, result)
                        if options["once"]:
                            self.stdout.write(f"{job.name}: {result}")
            if queue is not None:
                queue.run()  # batch mode: every task that is ready, then back here
            close_old_connections()
            if options["once"]:
                break
            time.sleep(interval)

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        self.running = False

    def _queue_worker(self, worker_id: str) -> Any:
        from django_tasks_db.management.commands.db_worker import Worker

        return Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id[:64],
            excluded_queue_names=[],
        )
