"""`forlop demo`: load the demo data (idempotent) and print the logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from forlop.demo import loader as demo


class Command(BaseCommand):
    help = "Load demo data (idempotent): Horten kommune, Sykehuset i Vestfold, GP offices, 30 patients."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--list-logins", action="store_true", help="Print the demo logins and exit."
        )
        parser.add_argument(
            "--print-password", action="store_true", help="Print the demo password and exit."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["print_password"]:
            self.stdout.write(demo.DEMO_PASSWORD)
            return
        if options["list_logins"]:
            for login in demo.demo_logins():
                self.stdout.write(
                    f"{login.username:<20} {login.name:<18} {login.role} ({login.unit})"
                )
            return
        created = demo.load_demo()
        summary = ", ".join(f"{n} {what}" for what, n in created.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded (new rows: {summary})."))
