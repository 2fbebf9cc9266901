"""forlop import_fhir DIR|FILE: read an export_fhir NDJSON export back, idempotently."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn

from forlop.interop.fhir.restore import RestoreError, content_digest, import_ndjson


class Command(BaseCommand):
    help = "Import FHIR R4 NDJSON (a directory written by export_fhir, or one file). Idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "source", type=Path, help="A directory of <Type>.ndjson files, or one .ndjson file."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress display.")
        parser.add_argument(
            "--digest",
            action="store_true",
            help="Afterwards, print the counts and content hash of patients, pathways, goals and answers.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["source"]
        if not source.exists():
            raise CommandError(f"No such file or directory: {source}")
        console = Console(file=sys.stderr)
        quiet = options["no_progress"] or not console.is_terminal
        with Progress(
            SpinnerColumn(), TextColumn("{task.description}"), console=console, disable=quiet
        ) as progress:
            task = progress.add_task("import", total=None)
            try:
                created = import_ndjson(
                    source=source,
                    progress=lambda t, n: progress.update(task, description=f"{t}: {n}"),
                )
            except RestoreError as exc:
                raise CommandError(f"Nothing imported. {exc}") from exc
        if not created:
            self.stdout.write("Nothing new: everything in the export is already here.")
        for name, n in sorted(created.items()):
            self.stdout.write(f"{name}\t{n}")
        if options["digest"]:
            counts, digest = content_digest()
            self.stdout.write(json.dumps({"counts": counts, "digest": digest}, sort_keys=True))
