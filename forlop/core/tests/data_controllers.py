"""A test helper: every row of every patient-data table carries its patient's municipality.

``rows_off_their_patient()`` asks each table once (a database query, no Python loop over rows)
for the rows whose ``municipality`` differs from the one its chain of ``data_controller_from``
foreign keys reaches on the patient. A patient's municipality never changes (a move is a new
record in the new municipality: docs/security.md), so every row's controller is its patient's.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import F, Model

from forlop.patients.models import Patient, PatientRecord


def path_to_patient(model: type[Model]) -> list[str]:
    """The ``data_controller_from`` chain from a patient-data model to the patient."""
    path: list[str] = []
    while model is not Patient:
        name = model.data_controller_from  # type: ignore[attr-defined]
        path.append(name)
        model = model._meta.get_field(name).related_model  # type: ignore[assignment]
    return path


def patient_record_models() -> list[type[PatientRecord]]:
    return [m for m in apps.get_models() if issubclass(m, PatientRecord)]


def rows_off_their_patient() -> dict[str, int]:
    """Table -> rows whose data controller is not their patient's municipality (only tables
    with such rows)."""
    off = {}
    for model in patient_record_models():
        lookup = "__".join([*path_to_patient(model), "municipality_id"])
        count = model._default_manager.exclude(municipality_id=F(lookup)).count()
        if count:
            off[model._meta.db_table] = count
    return off
