"""forlop clients register|revoke|list|prune: system clients of the FHIR endpoint and the API.

    forlop clients register --org stf --id stf-epic --name "Epic, Sykehuset i Vestfold" \
        --jwks epic-public.jwks.json --unit siv-med:hospital_nurse \
        --scopes "system/*.read system/Encounter.write"
    forlop clients revoke stf-epic --reason "Avtalen er sagt opp"
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from forlop.core.models import Organisation, Unit
from forlop.interop.models import SystemClient
from forlop.interop.services import (
    client_assertions_prune,
    system_client_register,
    system_client_revoke,
)


class Command(BaseCommand):
    help = (
        "Register, revoke and list system clients (OAuth 2.0 client credentials, private_key_jwt)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        register = sub.add_parser("register", help="Register a client for an organisation.")
        register.add_argument("--org", required=True, help="Organisation code.")
        register.add_argument(
            "--id", required=True, dest="client_id", help="Client id (the JWT's iss and sub)."
        )
        register.add_argument(
            "--name", required=True, help="The system's name, shown in the audit log."
        )
        register.add_argument(
            "--jwks", required=True, type=Path, help="File with the client's public keys (JWKS)."
        )
        register.add_argument(
            "--unit",
            action="append",
            required=True,
            help="UNIT_CODE:ROLE the client acts in (repeat).",
        )
        register.add_argument(
            "--scopes", required=True, help='E.g. "system/*.read system/Task.write".'
        )
        revoke = sub.add_parser("revoke", help="Revoke a client at once.")
        revoke.add_argument("client_id")
        revoke.add_argument("--reason", required=True)
        sub.add_parser("list", help="List the clients.")
        sub.add_parser("prune", help="Forget expired client-assertion ids.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "register":
                self._register(options)
            elif action == "revoke":
                client = SystemClient.objects.filter(client_id=options["client_id"]).first()
                if client is None:
                    raise CommandError(f"No client {options['client_id']!r}.")
                system_client_revoke(actor=None, client=client, reason=options["reason"])
                self.stdout.write(f"Revoked {client.client_id}.")
            elif action == "prune":
                self.stdout.write(f"Forgot {client_assertions_prune()} expired assertion ids.")
            else:
                for client in SystemClient.objects.select_related(
                    "organisation", "service_user"
                ).order_by("client_id"):
                    state = "revoked" if client.revoked_at else "active"
                    units = ", ".join(
                        f"{m.unit.code}:{m.role}"
                        for m in client.service_user.memberships.select_related("unit")
                    )
                    self.stdout.write(
                        f"{client.client_id}\t{state}\t{client.organisation.code}\t{client.scopes}\t{units}"
                    )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc

    def _register(self, options: dict[str, Any]) -> None:
        org = Organisation.objects.filter(code=options["org"]).first()
        if org is None:
            raise CommandError(f"No organisation {options['org']!r}.")
        memberships = []
        for spec in options["unit"]:
            code, _colon, role = spec.partition(":")
            unit = Unit.objects.filter(code=code).first()
            if unit is None or not role:
                raise CommandError(f"--unit {spec!r}: give UNIT_CODE:ROLE of an existing unit.")
            memberships.append((unit, role))
        try:
            jwks = json.loads(options["jwks"].read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise CommandError(f"--jwks: cannot read {options['jwks']}") from exc
        client = system_client_register(
            actor=None,
            organisation=org,
            client_id=options["client_id"],
            name=options["name"],
            jwks=jwks,
            scopes=options["scopes"],
            memberships=memberships,
        )
        self.stdout.write(
            f"Registered {client.client_id} for {org.name} (service user {client.service_user.username})."
        )
