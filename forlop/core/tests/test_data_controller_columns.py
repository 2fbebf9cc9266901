"""docs/scaling.md ("Sharding by municipality"), checked against the models: which tables hold
patient data (a chain of foreign keys reaches the patient), and that each carries its data
controller (the municipality) in a column of its own, as a shard key needs, filled by the
services with the patient's. Keep the page in step when this changes; the test then names what
changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.db.models import Model

from forlop.core.models import Organisation, Unit, User
from forlop.core.tests.data_controllers import patient_record_models, rows_off_their_patient
from forlop.core.tests.factories import UserFactory
from forlop.patients.models import Patient

# Table -> the column that names its data controller, or the path to the patient, who does.
DOCUMENTED: dict[str, str] = {
    "patients_patient": "municipality_id",
    "patients_emergencyaccess": "data_controller_id",
    "patients_nextofkin": "municipality_id",
    "patients_patientservice": "municipality_id",
    "patients_hospitalstay": "municipality_id",
    "pathways_pathway": "municipality_id",
    "pathways_pathwayevent": "municipality_id",
    "goals_goal": "municipality_id",
    "goals_scoring": "municipality_id",
    "goals_patientproposal": "municipality_id",
    "portal_portalaccount": "municipality_id",
    "pathways_stoppoint": "municipality_id",
    "pathways_pathwaytimechange": "municipality_id",
    "goals_goalchange": "municipality_id",
    "goals_score": "municipality_id",
    "notifications_notification": "municipality_id",
    "pathways_stoppointpart": "municipality_id",
    "pathways_checklistanswer": "municipality_id",
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


@pytest.mark.django_db
def test_rows_written_through_the_services_carry_their_patients_municipality(
    patient: Any,
    other_patient: Any,
    district: Unit,
    nurse: User,
    other_nurse: User,
    start_hph: Callable[..., Any],
) -> None:
    from django.utils import timezone

    from forlop.goals import services as goals
    from forlop.notifications.services.making import notifications_generate
    from forlop.pathways import services as pathways
    from forlop.patients.services.registration import next_of_kin_add
    from forlop.portal.services import portal_account_create

    # given a patient in each of two municipalities, and what the services write for each
    for person, unit, actor in [
        (patient, district, nurse),
        (other_patient, other_patient.services.get().unit, other_nurse),
    ]:
        pathway = start_hph(person, unit, actor)
        hph2 = pathway.stop_points.get(definition__code="HPH2")
        item = hph2.definition.items.filter(kind="yes_no").first()
        pathways.checklist_answer_save(actor=actor, stop_point=hph2, item_id=item.pk, value=True)
        pathways.event_record(actor=actor, patient=person, kind="fall", occurred_at=timezone.now())
        next_of_kin_add(actor=actor, patient=person, name="Kari Nordmann")
        goal = goals.goal_add(patient=person, actor=actor, text="Gå til butikken")
        goals.goal_update(goal=goal, actor=actor, text="Gå til butikken selv")
        goals.scoring_record(patient=person, actor=actor, kind="baseline", scores={goal.pk: 4})
        account = portal_account_create(user=UserFactory(), patient=person)
        goals.proposal_create(patient_id=person.pk, author=account.user, kind="goal", text="Ut")
    notifications_generate(now=timezone.now())
    # then every row carries its patient's municipality, in both municipalities
    assert rows_off_their_patient() == {}
    written = {
        model._meta.db_table: set(
            model._default_manager.values_list("municipality_id", flat=True).distinct()
        )
        for model in patient_record_models()
    }
    both = {patient.municipality_id, other_patient.municipality_id}
    assert {table for table, seen in written.items() if seen == both} >= {
        "patients_nextofkin",
        "patients_patientservice",
        "pathways_pathway",
        "pathways_pathwayevent",
        "pathways_stoppoint",
        "pathways_stoppointpart",
        "pathways_pathwaytimechange",
        "pathways_checklistanswer",
        "goals_goal",
        "goals_goalchange",
        "goals_scoring",
        "goals_score",
        "goals_patientproposal",
        "portal_portalaccount",
    }
