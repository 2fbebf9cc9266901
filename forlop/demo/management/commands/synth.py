"""`forlop synth --patients N --seed S`: synthetic data at scale, for benchmarks (see
``forlop.demo.synth`` and docs/benchmarks.md). Synthetic identity numbers only."""

from __future__ import annotations

import os
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

from forlop.demo.synth import synth


class Command(BaseCommand):
    help = (
        "Generate synthetic municipalities, patients, pathways, stop points and events for "
        "benchmarks (synthetic identity numbers only; deterministic for a seed)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--patients", type=int, help="Patients in all.")
        parser.add_argument(
            "--municipalities",
            type=int,
            help="Municipalities (instead of --patients: that many full municipalities).",
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--patients-per-municipality",
            type=int,
            default=4000,
            help="Patients per municipality, split over its two home-care units (default 4000).",
        )
        parser.add_argument("--years", type=int, default=3, help="Years of history (default 3).")
        parser.add_argument(
            "--workers",
            type=int,
            help="Processes writing municipalities at once (PostgreSQL only; default: one per "
            "core, at most 2; the rows are the same for any number).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")
        parser.add_argument(
            "--no-goals",
            action="store_true",
            help="No goals and scorings (the pathways and stop points stay the same).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        total = options["patients"]
        if total is None:
            if options["municipalities"] is None:
                raise CommandError("Give --patients or --municipalities.")
            total = options["municipalities"] * options["patients_per_municipality"]
        workers = options["workers"]
        if workers is None:  # processes need PostgreSQL and rows that others can see
            parallel = connection.vendor == "postgresql" and not connection.in_atomic_block
            workers = min(2, os.cpu_count() or 1) if parallel else 1
        started = time.perf_counter()
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            disable=options["no_progress"],
        ) as bar:
            task = bar.add_task("Patients", total=total)
            try:
                summary = synth(
                    patients=total,
                    seed=options["seed"],
                    patients_per_municipality=options["patients_per_municipality"],
                    years=options["years"],
                    progress=lambda done: bar.update(task, completed=done),
                    goals=not options["no_goals"],
                    workers=workers,
                    notice=lambda text: bar.console.print(f"{text}…"),
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        rows = ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in summary.as_dict().items())
        self.stdout.write(self.style.SUCCESS(f"Synthetic data written in {elapsed:.1f} s: {rows}."))
