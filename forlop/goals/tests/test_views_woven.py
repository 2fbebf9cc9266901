"""The goals page opened from a checklist's 'what matters' item (issue 4), in Norwegian."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from forlop.goals import services, views
from forlop.goals.models import Scoring
from forlop.pathways import services as pathway_services
from forlop.pathways.defaults import install_national_defaults
from forlop.pathways.models import ChecklistAnswer, Pathway, StopPoint, TemplateVersion

from .conftest import add_goals

pytestmark = pytest.mark.django_db


def hph2_of(patient, unit, actor) -> StopPoint:
    version = install_national_defaults()["hph"].versions.get(
        status=TemplateVersion.Status.PUBLISHED
    )
    at = timezone.now() - timedelta(days=2)
    pathway = pathway_services.pathway_start(
        actor=actor,
        patient=patient,
        version=version,
        unit=unit,
        start_reason=Pathway.StartReason.DISCHARGE,
        started_at=at,
        discharged_at=at,
        arrived_home_at=at,
        primary_contact=actor,
    )
    return pathway.stop_points.get(definition__code="HPH2")


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


def test_scores_stand_when_the_checklist_cannot_be_updated(
    client, nurse, patient, district, monkeypatch
):
    hph2 = hph2_of(patient, district, nurse)
    goals = add_goals(patient, nurse, ["komme meg hjem"])

    def conflict(**kwargs):
        raise pathway_services.ChecklistConflict()

    monkeypatch.setattr(views.pathway_services, "checklist_answer_save", conflict)
    client.force_login(nurse)
    response = post_scores(client, patient, goals, hph2.pk)
    html = response.content.decode()
    assert response.status_code == 200
    assert Scoring.objects.get().stop_point == hph2  # the scores are kept, linked
    assert ChecklistAnswer.objects.count() == 0
    assert "Scorene er lagret, men sjekklisten HPH2 kunne ikke oppdateres" in html
    assert "Tilbake til sjekklisten HPH2" in html


def test_a_second_scoring_at_the_stop_point_updates_the_answer(client, nurse, patient, district):
    hph2 = hph2_of(patient, district, nurse)
    goals = add_goals(patient, nurse, ["komme meg hjem"])
    services.scoring_record(
        patient=patient,
        actor=nurse,
        kind=Scoring.Kind.BASELINE,
        scores={goals[0].pk: 3},
        scored_at=timezone.now() - timedelta(days=1),
        stop_point_id=hph2.pk,
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
    client, nurse, patient, other_patient, make_member
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
