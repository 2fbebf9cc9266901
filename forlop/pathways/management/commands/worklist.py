"""`forlop worklist --unit CODE [--date YYYY-MM-DD] [--format text|json|csv]`: a unit's work list.

Without ``--unit`` it lists the units and their codes. Statuses are as of now for today, and
as of the start of the day (Europe/Oslo) for any other date, like the printed day list.
"""

from __future__ import annotations

import csv
import json
from datetime import date, datetime, time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from forlop.core.models import Unit
from forlop.pathways.selectors import worklist_for_unit

SECTIONS = (("overdue", "overdue"), ("due_today", "today"), ("due_this_week", "week"))
FIELDS = ("section", "code", "title", "patient", "due", "all_day", "status", "responsible")


def parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            f"--date must be a date written YYYY-MM-DD (for example 2026-11-23), not {value!r}."
        ) from None


class Command(BaseCommand):
    help = "Print a unit's work list: overdue, due today and due this week."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", help="The unit's code (run without --unit to list them).")
        parser.add_argument("--date", help="The day, YYYY-MM-DD (default: today).")
        parser.add_argument(
            "--format", choices=["text", "json", "csv"], default="text", help="Output format."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code = options.get("unit")
        if not code:
            self.list_units()
            return
        day = parse_day(options["date"]) if options.get("date") else timezone.localdate()
        unit = Unit.objects.select_related("organisation").filter(code=code).first()
        if unit is None:
            raise CommandError(
                f"No unit with the code {code!r}. Run `forlop worklist` without --unit to see "
                "the codes."
            )
        if day == timezone.localdate():
            now = timezone.now()
        else:
            now = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
        work = worklist_for_unit(unit=unit, now=now)
        entries = [
            entry(section, item)
            for attribute, section in SECTIONS
            for item in getattr(work, attribute)
        ]
        fmt = options["format"]
        if fmt == "json":
            payload = {"unit": unit.code, "date": day.isoformat(), "entries": entries}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
        elif fmt == "csv":
            writer = csv.DictWriter(self.stdout, fieldnames=FIELDS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(entries)
        else:
            self.write_text(unit, day, entries)

    def list_units(self) -> None:
        units = Unit.objects.select_related("organisation").order_by("organisation__name", "code")
        if not units:
            self.stdout.write("No units.")
            return
        width = max(len(unit.code) for unit in units)
        for unit in units:
            self.stdout.write(f"{unit.code:<{width}}  {unit.name} ({unit.organisation.name})")

    def write_text(self, unit: Unit, day: date, entries: list[dict[str, Any]]) -> None:
        self.stdout.write(f"{unit.name} ({unit.code}) {day.isoformat()}")
        for _attribute, section in SECTIONS:
            rows = [e for e in entries if e["section"] == section]
            self.stdout.write(f"\n{section} ({len(rows)})")
            for e in rows:
                self.stdout.write(
                    f"  {e['due']:<25} {e['code']:<6} {e['status']:<12} {e['patient']}: "
                    f"{e['title']}" + (f" [{e['responsible']}]" if e["responsible"] else "")
                )


def entry(section: str, item: Any) -> dict[str, Any]:
    due_at = timezone.localtime(item.due_at)
    return {
        "section": section,
        "code": item.code,
        "title": item.title,
        "patient": item.patient.full_name,
        "due": due_at.date().isoformat() if item.all_day else due_at.isoformat(),
        "all_day": item.all_day,
        "status": str(getattr(item.status, "value", item.status)),
        "responsible": str(item.responsible) if item.responsible else "",
    }
