"""The goals page opened from a checklist's 'what matters' item, in Norwegian."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forlop.goals import services
from forlop.goals.models import Scoring
from forlop.goals.tests.builders import add_goals
from forlop.pathways import services as pathway_services
from forlop.pathways.models import ChecklistAnswer, StopPoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def hph2_of(start_hph):
    def hph2(patient, unit, actor) -> StopPoint:
        pathway = start_hph(patient, unit, actor, days_ago=2)
        return pathway.stop_points.get(definition__code="HPH2")

    return hph2


def post_scores(client, patient, goals, stop_point_id, kind="baseline"):
    return client.post(
        reverse("goals:scoring-record", args=[patient.pk]),
        {
            "kind": kind,
            "scored_on": timezone.localdate().isoformat(),
            "answered_by": "patient",
            "stop_point": stop_point_id,
            **{f"score_{g.pk}": 5 for g in goals},
        },
        follow=True,
    )


def test_scores_and_the_checklist_answer_are_saved_together_or_not_at_all(
    client, nurse, patient, district, monkeypatch, hph2_of
):
    # given a checklist save that fails inside the scoring's transaction
    hph2 = hph2_of(patient, district, nurse)
    goals = add_goals(patient, nurse, ["komme meg hjem"])

    def conflict(**kwargs):
        raise pathway_services.ChecklistConflict()

    monkeypatch.setattr(services.pathway_services, "checklist_answer_save", conflict)
    client.force_login(nurse)

    # when
    response = post_scores(client, patient, goals, hph2.pk)

    # then nothing is half-saved, and the nurse is told and keeps what she typed
    assert response.status_code == 400
    assert Scoring.objects.count() == 0
    assert ChecklistAnswer.objects.count() == 0
    assert "Noen andre har endret denne sjekklisten" in response.content.decode()


def test_a_checklist_signed_meanwhile_keeps_the_scores_without_the_link(
    client, nurse, patient, district, hph2_of
):
    # given HPH2 signed by someone else after the goals page was opened from it
    hph2 = hph2_of(patient, district, nurse)
    goals = add_goals(patient, nurse, ["komme meg hjem"])
    StopPoint.objects.filter(pk=hph2.pk).update(completed_at=timezone.now(), completed_by=nurse)
    client.force_login(nurse)

    # when
    response = post_scores(client, patient, goals, hph2.pk)

    # then the scores are saved, the signed checklist is not changed, and the page says so
    assert response.status_code == 200
    assert Scoring.objects.get().stop_point is None
    assert ChecklistAnswer.objects.count() == 0
    assert "Sjekklisten HPH2 ble lukket i mellomtiden" in response.content.decode()


def test_a_second_scoring_at_the_stop_point_updates_the_answer(
    client, nurse, patient, district, hph2_of
):
    hph2 = hph2_of(patient, district, nurse)
    goals = add_goals(patient, nurse, ["komme meg hjem"])
    services.scoring_record(
        patient=patient,
        actor=nurse,
        kind=Scoring.Kind.BASELINE,
        scores={goals[0].pk: 3},
        scored_at=timezone.now() - timedelta(days=1),
        stop_point=hph2,
    )
    client.force_login(nurse)
    page = client.get(reverse("goals:page", args=[patient.pk]), {"stop_point": hph2.pk})
    assert page.context["stop_point_scoring"].kind == Scoring.Kind.BASELINE
    assert page.context["scoring_form"].initial["kind"] == Scoring.Kind.FOLLOW_UP
    post_scores(client, patient, goals, hph2.pk, kind="follow_up")
    follow_up = Scoring.objects.get(kind=Scoring.Kind.FOLLOW_UP)
    stored = ChecklistAnswer.objects.get(stop_point=hph2)
    assert (stored.value["scoring"], stored.value["kind"]) == (follow_up.pk, "follow_up")


def test_another_patients_stop_point_is_ignored_on_every_goals_form(
    client, nurse, patient, other_patient, make_member, hph2_of
):
    far_unit = other_patient.services.get().unit
    foreign = hph2_of(other_patient, far_unit, make_member(far_unit, username="far"))
    goals = add_goals(patient, nurse, ["komme meg hjem"])
    client.force_login(nurse)
    page = client.get(reverse("goals:page", args=[patient.pk]), {"stop_point": foreign.pk})
    assert page.status_code == 200
    assert "stop_point" not in page.context
    added = client.post(
        reverse("goals:goal-add", args=[patient.pk]),
        {"text": "bli sterkere", "answered_by": "patient", "stop_point": foreign.pk},
    )
    assert added["Location"] == reverse("goals:page", args=[patient.pk])
    post_scores(client, patient, goals, foreign.pk)
    assert Scoring.objects.get().stop_point is None
    assert ChecklistAnswer.objects.count() == 0
