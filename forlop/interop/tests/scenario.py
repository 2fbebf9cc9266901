"""A patient with a running pathway, answers, goals and scores, built through the services."""

from __future__ import annotations

from datetime import datetime

from forlop.goals import services as goal_services
from forlop.interop.tests.conftest import World, aware
from forlop.pathways import models as pm
from forlop.pathways import services
from forlop.patients.services import hospital_stay_admit, hospital_stay_discharge

STARTED = aware(2026, 11, 16, 10, 0)
NOW = aware(2026, 11, 25, 12, 0)


def running_pathway(world: World, *, now: datetime = NOW) -> pm.Pathway:
    stay = hospital_stay_admit(
        actor=None, patient=world.patient, ward=world.ward, admitted_at=aware(2026, 11, 10, 8, 0)
    )
    hospital_stay_discharge(actor=None, stay=stay, discharged_at=STARTED)
    pathway = services.pathway_start(
        actor=world.nurse,
        patient=world.patient,
        version=world.hph,
        unit=world.district,
        start_reason=pm.Pathway.StartReason.DISCHARGE,
        started_at=STARTED,
        discharged_at=STARTED,
        arrived_home_at=aware(2026, 11, 16, 14, 0),
        now=now,
    )
    hph0 = pathway.stop_points.get(definition__code="HPH0")
    for key, value in (
        ("utskrivningssamtale", True),
        ("epikrise", True),
        ("legemiddelliste-mottatt", True),
    ):
        item = hph0.definition.items.get(key=key)
        hph0.refresh_from_db()
        services.checklist_answer_save(
            actor=world.nurse,
            stop_point=hph0,
            item_id=item.pk,
            value=value,
            expected_revision=hph0.revision,
            now=aware(2026, 11, 16, 11, 0),
        )
    hph0.refresh_from_db()
    services.stop_point_complete(
        actor=world.nurse,
        stop_point=hph0,
        expected_revision=hph0.revision,
        now=aware(2026, 11, 16, 11, 30),
    )
    goal = goal_services.goal_add(
        patient=world.patient, actor=world.nurse, text="Gå til postkassen selv"
    )
    goal_services.scoring_record(
        patient=world.patient,
        actor=world.nurse,
        kind="baseline",
        scores={goal.pk: 3},
        scored_at=aware(2026, 11, 17, 10, 0),
    )
    return pathway
