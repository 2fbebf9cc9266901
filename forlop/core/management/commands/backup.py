"""`forlop backup -o FILE`: a consistent backup of the whole database (PostgreSQL or SQLite)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from forlop.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the whole database to FILE (pg_dump custom format, or a SQLite file)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"]
        if output.exists():
            raise CommandError(f"{output} exists: choose a new file name")
        try:
            kind = backup(output)
        except BackupError as exc:
            output.unlink(missing_ok=True)
            raise CommandError(str(exc)) from exc
        output.chmod(0o600)  # patient data: readable by the operator only
        self.stdout.write(f"{kind} backup written to {output} ({output.stat().st_size} bytes)")
