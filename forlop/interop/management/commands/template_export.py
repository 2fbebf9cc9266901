"""forlop template_export CODE [--version N] [-o FILE]: a pathway template as FHIR R4.

The same file as the Export button on the template's page: a collection Bundle with the
PlanDefinition and one Questionnaire per stop point, every resource validated.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from forlop.interop.fhir.outcome import FhirError
from forlop.interop.fhir.templates import template_bundle, template_version_for_export
from forlop.pathways.models import PathwayTemplate


class Command(BaseCommand):
    help = "Export a pathway template version as FHIR R4 (PlanDefinition + Questionnaires)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="The template's code (shown on its page).")
        parser.add_argument(
            "--number", type=int, help="Version number (default: the latest published)."
        )
        parser.add_argument("-o", "--output", type=Path, help="File to write (default: stdout).")
        parser.add_argument(
            "--base",
            default=settings.FORLOP_BASE_URL,
            help="Base URL for the entries' fullUrl (this installation's address).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        template = PathwayTemplate.objects.filter(code=options["code"]).first()
        if template is None:
            raise CommandError(f"No pathway template with code {options['code']!r}.")
        version = template_version_for_export(template=template, number=options["number"])
        if version is None:
            raise CommandError(f"{template.code} has no version {options['number'] or ''}.")
        try:
            bundle = template_bundle(version=version, base=f"{options['base'].rstrip('/')}/fhir/r4")
        except FhirError as exc:  # a template Forløp cannot express: say where, never a trace
            raise CommandError(_english(exc)) from None
        text = json.dumps(bundle, ensure_ascii=False, indent=2)
        if options["output"]:
            options["output"].write_text(text + "\n", encoding="utf-8")
            self.stderr.write(
                f"{template.code} v{version.number}: {version.definitions.count()} stop points "
                f"-> {options['output']}"
            )
        else:
            self.stdout.write(text)


def _english(exc: FhirError) -> str:
    lines = []
    for issue in exc.issues:
        _nb, en = issue.texts()
        lines.append(f"{en} ({', '.join(issue.expression)})" if issue.expression else en)
    return "\n".join(lines)
