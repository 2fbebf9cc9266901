"""``forlop import_fhir``: read an NDJSON export back, idempotently.

This is a restore, not a replay. Running the domain services again would plan every stop point
anew with today's rules and clock; an import must give back the history as it was (when each
stop point opened, fell due and was signed, by whom, every answer). So the importer writes the
rows itself, in one transaction with one audit row per patient (``AuditVerb.IMPORTED``), and
finds each row by its natural key first, so importing the same export twice changes nothing:

=================  ===========================================================
row                natural key
=================  ===========================================================
organisation       organisation number            unit: unit code
user               username (the Practitioner's secondary identifier)
template version   template code + version number (an existing one is kept)
what-matters form  form name + version number
patient            identity number
hospital stay      patient + ward + admission time
pathway            patient + template version + start time
stop point         pathway + stop-point code + occurrence
answer             stop point + item key
goal               patient + text + when recorded
scoring            patient + form version + kind + time
=================  ===========================================================

Not exported, so not restored: memberships (the receiving installation gives its own staff
their roles), pathway events, emergency access and audit rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from forlop.core.audit import audit_record_many
from forlop.core.models import AuditEvent, AuditVerb
from forlop.interop.fhir.restore.digest import content_digest
from forlop.interop.fhir.restore.organisations import Organisations
from forlop.interop.fhir.restore.pathways import Pathways
from forlop.interop.fhir.restore.patients import Patients
from forlop.interop.fhir.restore.state import RestoreError

__all__ = ["Restore", "RestoreError", "content_digest", "import_ndjson"]


@dataclass
class Restore(Organisations, Patients, Pathways):
    """One import: each step restores one kind of resource, in the export's order."""

    def run(self) -> dict[str, int]:
        with transaction.atomic():
            self.organisations()
            self.practitioners()
            self.templates()
            self.patients_()
            self.stays()
            self.pathways_()
            self.tasks()
            self.goals_()
            self.responses()
            audit_record_many(
                AuditEvent(
                    actor=None,
                    verb=AuditVerb.IMPORTED,
                    patient_id=pk,
                    data={"command": "import_fhir"},
                )
                for pk in sorted(self.touched_patients)
            )
        return self.created


def import_ndjson(
    *, source: Path, progress: Callable[[str, int], None] | None = None
) -> dict[str, int]:
    """Import a directory of NDJSON files (or one file). Returns the rows created, by kind."""
    paths = sorted(source.glob("*.ndjson")) if source.is_dir() else [source]
    return Restore(paths=paths, progress=progress).run()
