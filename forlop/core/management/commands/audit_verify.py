"""`forlop audit_verify [--anchor ID:HASH]`: check the audit log's hash chain.

Prints the number of rows and the head (id and hash). Note the head outside the database (a
log server, a signed mail) and pass it as --anchor next time: that also catches a deleted tail.
Exits non-zero, naming the first broken link, when the chain does not hold.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from forlop.core.audit import audit_chain_verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain and report the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--anchor", help="ID:HASH of a row noted earlier (e.g. a head)")

    def handle(self, *args: Any, **options: Any) -> None:
        anchor = None
        if options["anchor"]:
            try:
                raw_id, raw_hash = options["anchor"].split(":", 1)
                anchor = (int(raw_id), raw_hash.strip())
            except ValueError:
                raise CommandError("--anchor takes ID:HASH") from None
        report = audit_chain_verify(anchor=anchor)
        if report.first_broken_id is not None:
            raise CommandError(
                f"audit chain broken: first broken link at audit event {report.first_broken_id} "
                f"({report.rows} rows checked)"
            )
        if anchor is not None and not report.anchor_ok:
            raise CommandError(
                f"audit chain does not contain the anchor {anchor[0]}:{anchor[1]}: rows at or "
                "before it were removed or rewritten"
            )
        self.stdout.write(
            f"audit chain intact: {report.rows} rows; head {report.head_id}:{report.head_hash}"
        )
