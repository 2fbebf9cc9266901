"""forlop template_import FILE --user USERNAME [--org CODE] [--code CODE] [--name NAME] [--dry-run]

Takes over a template exported from another installation or municipality (``forlop
template_export`` or the Export button) as an organisation's own, through the authoring
services, exactly as the import page does. ``--user`` is the administrator or unit leader
in whose name it is imported (the audit log names them); only into an organisation whose
templates that user edits. ``--dry-run`` checks the file and lists what would be created.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from forlop.authoring.selectors import organisations_editable_by
from forlop.core.models import User
from forlop.core.uploads import upload_limit
from forlop.interop.fhir.outcome import FhirError
from forlop.interop.fhir.templates import (
    template_code_suggest,
    template_file_read,
    template_import,
    template_import_check,
)
from forlop.interop.management.commands.template_export import _english


class Command(BaseCommand):
    help = "Import a pathway template from a FHIR file (PlanDefinition + Questionnaires)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="Username of the importing editor.")
        parser.add_argument("--org", help="Organisation code (default: the user's only one).")
        parser.add_argument(
            "--code", help="The new template's code (default: the file's, if it is free here)."
        )
        parser.add_argument("--name", default="", help="The new template's name.")
        parser.add_argument("--dry-run", action="store_true", help="Check only; save nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("en")  # the services' messages, as this command prints them
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']!r}.")
        organisations = organisations_editable_by(user=user)
        if options["org"]:
            organisation = organisations.filter(code=options["org"]).first()
            if organisation is None:
                raise CommandError(
                    f"{user.username} does not edit the templates of {options['org']!r}."
                )
        else:
            found = list(organisations[:2])
            if len(found) != 1:
                raise CommandError(
                    "Give --org: the user edits the templates of "
                    + (f"{len(organisations)} organisations." if found else "no organisation.")
                )
            organisation = found[0]
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if path.stat().st_size > upload_limit():
            raise CommandError(f"The file is too large (at most {upload_limit()} bytes).")
        try:
            file = template_file_read(path.read_bytes())
            code = options["code"] or template_code_suggest(file.code, organisation)
            check = template_import_check(
                actor=user, organisation=organisation, file=file, code=code, name=options["name"]
            )
            for stop_point in check:
                self.stdout.write(
                    f"{stop_point.code}\t{stop_point.title}\t{stop_point.deadline}\t"
                    f"{stop_point.responsible}\t{stop_point.items} items"
                )
            if options["dry_run"]:
                self.stdout.write(f"Dry run: {len(check)} stop points; nothing saved.")
                return
            template = template_import(
                actor=user,
                organisation=organisation,
                plan=file.plan,
                questionnaires=file.questionnaires,
                code=code,
                name=options["name"],
            )
        except FhirError as exc:
            raise CommandError(_english(exc)) from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        version = template.versions.get()
        self.stdout.write(
            f"Imported {template.code} ({template.name}) into {organisation.code}: "
            f"v{version.number} {version.status}, {version.definitions.count()} stop points."
        )
