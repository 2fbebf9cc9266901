"""The pathways demo: idempotent and varied."""

from __future__ import annotations

from datetime import date

import pytest

from forlop.core.models import User
from forlop.demo.pathways import load_pathway_demo
from forlop.demo.testing import demo_load
from forlop.pathways import selectors
from forlop.pathways.models import (
    Pathway,
    StopPoint,
)
from forlop.pathways.tests.factories import (
    oslo,
)

# --- demo ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_pathways_are_idempotent_and_varied() -> None:
    # given
    today = date(2026, 3, 11)
    # when (forlop demo loads the pathway demo as one of its parts; the first load in this
    # test process, or its copy: what the real load reported either way)
    created = demo_load(today=today)["pathways"]
    again = load_pathway_demo(today=today)

    # then
    assert created > 15
    assert again == 0
    now = oslo(2026, 3, 11, 7)
    nurse = User.objects.get(username="sykepleier")
    work = selectors.worklist(user=nurse, now=now)
    assert work.overdue
    assert work.due_today
    assert work.due_this_week
    # one readmission home again, two patients in hospital reported ready for discharge, and
    # the goals demo's first patient, readmitted and home again (two goal episodes)
    assert Pathway.objects.filter(previous__isnull=False).count() == 4
    allocation = User.objects.get(username="tildeling")
    listed = selectors.worklist(user=allocation, now=now)
    in_hospital = [
        item for item in listed.due_this_week if item.stop_point.pathway.discharged_at is None
    ]
    assert sorted({item.code for item in in_hospital}) == ["HPH0", "HPH1"]
    assert len({item.patient.pk for item in in_hospital}) == 2
    assert not [
        item
        for item in listed.overdue + listed.due_today + listed.due_this_week
        if item.code not in ("HPH0", "HPH1")
    ]
    assert StopPoint.objects.filter(definition__code="HPH4").exists()
    assert StopPoint.objects.filter(definition__code="HPH6").count() >= 2
    assert StopPoint.objects.filter(completed_at__isnull=False).exists()
    patient = (
        Pathway.objects.filter(stop_points__answers__item__carry_to_care_plan=True).first().patient
    )
    assert selectors.care_plan(patient=patient)
