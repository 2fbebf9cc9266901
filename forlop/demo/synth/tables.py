"""The generator's row layout for each table it writes, in one place.

A row builder (``rows.py``, ``goals.py``) appends plain tuples with the values of
``Table.columns``, in that order; ``Table.fixed`` holds the columns that have one value for a
whole municipality (a constant, or ``MUNICIPALITY``: the municipality's organisation key),
appended by the writer. A column that a model gains is one more entry here: in ``fixed`` when
its value is the same for the municipality (as a data controller column would be), else in
``columns`` and the builder's tuple beside it. ``check_layouts`` fails loudly when a model has
a column that no layout names, so a new column is never left to a database default by chance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models

from forlop.goals.models import AnsweredBy, Goal, Score, Scoring
from forlop.pathways.models import Pathway, PathwayEvent, StopPoint
from forlop.patients.models import Patient, PatientService


class _Municipality:
    """Marker in ``Table.fixed``: the municipality's organisation key."""

    def __repr__(self) -> str:
        return "MUNICIPALITY"


MUNICIPALITY = _Municipality()


@dataclass(frozen=True, eq=False)  # hashed by identity: a key of Chunk.rows
class Table:
    model: type[models.Model]
    columns: tuple[str, ...]
    fixed: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.model._meta.db_table

    @property
    def all_columns(self) -> tuple[str, ...]:
        return self.columns + tuple(self.fixed)

    def tail(self, organisation_id: int) -> tuple[Any, ...]:
        """The fixed columns' values for one municipality."""
        return tuple(
            organisation_id if value is MUNICIPALITY else value for value in self.fixed.values()
        )


# Rows whose key others refer to carry their ``id`` (taken from the table's sequence in
# blocks, ``write.Ids``); the rest get theirs from the database. ``created_at`` is when the
# row's event happened, so measures "as of" a past time see the numbers of then.
PATIENT = Table(
    Patient,
    (
        "id",
        "given_name",
        "family_name",
        "identity_number",
        "birth_date",
        "address",
        "primary_contact_id",
        "created_at",
        "updated_at",
    ),
    {
        "municipality_id": MUNICIPALITY,
        "id_kind": Patient.IdKind.FNR.value,
        "synthetic": True,
        "postal_code": "",
        "city": "",
        "phone": "",
        "gp_id": None,
        "deceased_at": None,
        "panel_version": 0,
    },
)
PATIENT_SERVICE = Table(
    PatientService,
    ("patient_id", "unit_id", "started_on", "created_at", "updated_at"),
    {"municipality_id": MUNICIPALITY, "ended_on": None},
)
PATHWAY = Table(
    Pathway,
    (
        "id",
        "patient_id",
        "version_id",
        "unit_id",
        "primary_contact_id",
        "start_reason",
        "started_at",
        "discharged_at",
        "arrived_home_at",
        "ended_at",
        "end_reason",
        "previous_id",
        "created_at",
        "updated_at",
    ),
    {
        "municipality_id": MUNICIPALITY,
        "ready_for_discharge_at": None,
        "planned_discharge_at": None,
        "short_stay_kind": "",
        "short_stay_started_at": None,
        "started_by_id": None,
    },
)
STOP_POINT = Table(
    StopPoint,
    (
        "pathway_id",
        "definition_id",
        "occurrence",
        "triggered_at",
        "opens_at",
        "due_at",
        "due_all_day",
        "ends_at",
        "completed_at",
        "completed_by_id",
        "interrupted_at",
        "created_at",
        "updated_at",
    ),
    {
        "municipality_id": MUNICIPALITY,
        "event_id": None,
        "owner_signed_at": None,
        "owner_signed_by_id": None,
        "not_relevant_at": None,
        "not_relevant_reason": "",
        "assignee_id": None,
        "revision": 0,
    },
)
EVENT = Table(
    PathwayEvent,
    ("patient_id", "pathway_id", "kind", "occurred_at", "created_at", "updated_at"),
    {
        "municipality_id": MUNICIPALITY,
        "note": "",
        "recorded_by_id": None,
        "corrected_at": None,
        "correction_reason": "",
        "withdrawn_at": None,
    },
)
GOAL = Table(
    Goal,
    (
        "id",
        "patient_id",
        "version_id",
        "text",
        "status",
        "status_changed_at",
        "created_by_id",
        "created_at",
        "updated_at",
    ),
    {"municipality_id": MUNICIPALITY, "answered_by": AnsweredBy.PATIENT.value},
)
SCORING = Table(
    Scoring,
    (
        "id",
        "patient_id",
        "version_id",
        "kind",
        "pathway_id",
        "scored_at",
        "recorded_by_id",
        "created_at",
        "updated_at",
    ),
    {
        "municipality_id": MUNICIPALITY,
        "answered_by": AnsweredBy.PATIENT.value,
        "stop_point_id": None,
    },
)
SCORE = Table(
    Score,
    ("scoring_id", "goal_id", "value", "created_at", "updated_at"),
    {"municipality_id": MUNICIPALITY},
)

# In the order they are written (each refers only to tables before it).
TABLES = (PATIENT, PATIENT_SERVICE, PATHWAY, STOP_POINT, EVENT, GOAL, SCORING, SCORE)


def check_layouts(tables: tuple[Table, ...] = TABLES) -> None:
    """Raise if a table's layout and its model's columns differ (a column added or renamed)."""
    for table in tables:
        model_columns = {f.column for f in table.model._meta.concrete_fields}
        named = set(table.all_columns)
        missing = model_columns - named - ({"id"} if "id" not in named else set())
        unknown = named - model_columns
        if missing or unknown or len(named) != len(table.all_columns):
            raise RuntimeError(
                f"the generator's layout of {table.name} is out of date: "
                f"not written {sorted(missing)}, not in the model {sorted(unknown)}"
            )
