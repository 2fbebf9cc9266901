"""forlop export_fhir [--org CODE] [--since DATE] -o DIR: NDJSON per resource type."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from forlop.core.audit import audit_record
from forlop.core.models import AuditVerb, Organisation
from forlop.interop.fhir import bulk
from forlop.interop.fhir.resources import EXPORT_ORDER, REGISTRY, Caller
from forlop.pathways.deadlines import start_of_day
from forlop.patients.models import Patient


def parse_since(value: str) -> datetime:
    try:
        if len(value) == 10:
            return start_of_day(datetime.fromisoformat(value).date())
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--since: not a date or time: {value!r}") from None
    return moment if moment.tzinfo else timezone.make_aware(moment)


class Command(BaseCommand):
    help = "Export FHIR R4 resources as NDJSON, one file per resource type (streaming)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, type=Path, help="Directory to write.")
        parser.add_argument("--org", help="Only the patients of this organisation (code).")
        parser.add_argument(
            "--since", help="Only resources changed from this date (YYYY-MM-DD) or time."
        )
        parser.add_argument("--types", help="Comma-separated resource types (default: all).")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        patients = Patient.objects.all()
        org_code = options["org"]
        if org_code:
            org = Organisation.objects.filter(code=org_code).first()
            if org is None:
                raise CommandError(f"No organisation with code {org_code!r}.")
            patients = bulk.patients_of_organisation(org)
        types = [t for t in (options["types"] or "").split(",") if t] or list(EXPORT_ORDER)
        unknown = [t for t in types if t not in REGISTRY]
        if unknown:
            raise CommandError(f"Unknown resource types: {', '.join(unknown)}")
        since = parse_since(options["since"]) if options["since"] else None
        caller = Caller(
            user=None, now=timezone.now(), patients=patients, client_id="cli:export_fhir"
        )
        console = Console(file=sys.stderr)
        quiet = options["no_progress"] or not console.is_terminal
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            disable=quiet,
        ) as progress:
            # The bar's totals cost a count per type (a grouped query over every stop point
            # for Task); without a bar there is nothing to count for.
            bars = {
                t: progress.add_task(t, total=None if quiet else bulk.count_for(caller, t, since))
                for t in types
            }
            files = bulk.export_ndjson(
                caller=caller,
                directory=options["output"],
                types=types,
                since=since,
                progress=lambda t, n: progress.update(bars[t], completed=n),
            )
        audit_record(
            actor=None,
            verb=AuditVerb.EXPORTED,
            data={
                "command": "export_fhir",
                "org": org_code or None,
                "types": [f.resource_type for f in files],
            },
        )
        for f in files:
            self.stdout.write(f"{f.resource_type}\t{f.count}\t{f.path}")
