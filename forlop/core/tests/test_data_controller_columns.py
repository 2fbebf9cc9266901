"""docs/scaling.md ("Sharding by municipality"), checked against the models: which tables hold
patient data (a chain of foreign keys reaches the patient), and which of them carry their data
controller (the municipality) in a column of their own, as a shard key would need. Keep the
page in step when this changes; the test then names what changed."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Model

from forlop.core.models import Organisation
from forlop.patients.models import Patient

# Table -> the column that names its data controller, or the path to the patient, who does.
DOCUMENTED: dict[str, str] = {
    "patients_patient": "municipality_id",
    "patients_emergencyaccess": "data_controller_id",
    "patients_nextofkin": "patient",
    "patients_patientservice": "patient",
    "patients_hospitalstay": "patient",
    "pathways_pathway": "patient",
    "pathways_pathwayevent": "patient",
    "goals_goal": "patient",
    "goals_scoring": "patient",
    "goals_patientproposal": "patient",
    "portal_portalaccount": "patient",
    "pathways_stoppoint": "pathway → patient",
    "pathways_pathwaytimechange": "pathway → patient",
    "goals_goalchange": "goal → patient",
    "goals_score": "scoring → patient",
    "notifications_notification": "pathway → patient",
    "pathways_stoppointpart": "stop_point → pathway → patient",
    "pathways_checklistanswer": "stop_point → pathway → patient",
}


def _path_to_patient() -> dict[type[Model], list[str]]:
    """Each model whose foreign keys reach Patient, with the shortest chain of field names."""
    found: dict[type[Model], list[str]] = {Patient: []}
    frontier: list[type[Model]] = [Patient]
    while frontier:
        nxt: list[type[Model]] = []
        for model in apps.get_models():
            if model in found:
                continue
            for field in model._meta.concrete_fields:
                if field.is_relation and field.related_model in frontier:
                    found[model] = [field.name, *found[field.related_model]]
                    nxt.append(model)
                    break
        frontier = nxt
    return found


def _controller_column(model: type[Model]) -> str | None:
    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model is Organisation:
            return field.attname
    return None


def test_patient_data_tables_and_their_data_controller_are_as_documented() -> None:
    actual = {}
    for model, path in _path_to_patient().items():
        column = _controller_column(model)
        actual[model._meta.db_table] = column or " → ".join([*path[:-1], "patient"])
    assert actual == DOCUMENTED
