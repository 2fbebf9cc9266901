"""`forlop restore FILE`: replace the database's contents with a backup. Stop the app first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from forlop.core.backup import BackupError, file_kind, restore


class Command(BaseCommand):
    help = "Restore the whole database from a backup made by `forlop backup`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--noinput", action="store_true", help="do not ask before replacing the database"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["file"]
        if not source.is_file():
            raise CommandError(f"{source} is not a file")
        try:
            kind = file_kind(source)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        name = connection.settings_dict["NAME"]
        if not options["noinput"]:
            answer = input(f"Replace everything in {name} with {source} ({kind})? Type yes: ")
            if answer.strip().lower() != "yes":
                raise CommandError("restore cancelled")
        try:
            restore(source)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{kind} backup {source} restored into {name}")
        self.stdout.write("next: forlop migrate, then forlop audit_verify")
