"""The right of access: the patient downloads their whole record as PDF and JSON (issue 11)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from forlop.core.models import AuditEvent, AuditVerb
from forlop.goals.tests.builders import add_goals
from forlop.pathways import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(patient, district, nurse, start_hph, seed_goals, other_patient, other_nurse):
    """A pathway with an answered checklist item, goals with scores, and a nurse's reads."""
    pathway = start_hph(patient, district, nurse)
    hph2 = pathway.stop_points.get(definition__code="HPH2")
    item = hph2.definition.items.filter(kind="yes_no").order_by("order").first()
    services.checklist_answer_save(
        actor=nurse, stop_point=hph2, item_id=item.pk, value=True, expected_revision=hph2.revision
    )
    add_goals(other_patient, other_nurse, ["hemmelig mål for Olav"])
    return {"pathway": pathway, "hph2": hph2, "item": item}


def test_record_page_in_norwegian_offers_both_downloads(client, portal_user):
    client.force_login(portal_user)
    response = client.get(reverse("portal:record"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Din journal i Forløp" in body
    assert reverse("portal:record-pdf") in body
    assert reverse("portal:record-json") in body
    # reached from the portal's front page
    assert reverse("portal:record") in client.get(reverse("portal:home")).content.decode()


def test_json_holds_pathways_answers_goals_scores_and_access_log(
    client, portal_user, nurse, patient, seed_goals, record
):
    client.force_login(nurse)
    client.get(reverse("patients:detail", args=[patient.pk]))  # a read the patient must see
    client.force_login(portal_user)
    last = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    response = client.get(reverse("portal:record-json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="forlop-journal-')
    data = json.loads(response.content)
    assert data["patient"]["name"] == patient.full_name
    [pathway] = data["pathways"]
    hph2 = next(s for s in pathway["stop_points"] if s["code"] == "HPH2")
    assert hph2["checklist"] == [
        {
            "question": record["item"].text,
            "answer": "Ja",
            "not_relevant_reason": "",
            "answered_at": hph2["checklist"][0]["answered_at"],
        }
    ]
    assert [g["text"] for g in data["goals"]] == [g.text for g in seed_goals]
    assert [[s["score"] for s in g["scores"]] for g in data["goals"]] == [[5, 10], [3, 5], [5, 10]]
    who = {row["who"] for row in data["access_log"]}
    assert f"{nurse.first_name} {nurse.last_name}" in who
    assert portal_user.get_full_name() not in who  # the patient's own visits are left out
    text = response.content.decode()
    assert "Olav" not in text
    assert "hemmelig" not in text
    assert patient.identity_number not in text
    # the download is audited, once, as the patient's export
    new = list(AuditEvent.objects.filter(pk__gt=last))
    assert [(e.verb, e.actor_id, e.patient_id, e.data) for e in new] == [
        (
            AuditVerb.EXPORTED,
            portal_user.pk,
            patient.pk,
            {"format": "json", "right_of_access": True},
        )
    ]


def test_pdf_is_a_pdf_and_audited(client, portal_user, patient, record):
    client.force_login(portal_user)
    response = client.get(reverse("portal:record-pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert list(
        AuditEvent.objects.filter(actor=portal_user, verb=AuditVerb.EXPORTED).values_list(
            "data", flat=True
        )
    ) == [{"format": "pdf", "right_of_access": True}]


@pytest.mark.parametrize("name", ["portal:record", "portal:record-json", "portal:record-pdf"])
def test_staff_and_anonymous_get_no_record(client, nurse, name):
    before = AuditEvent.objects.filter(verb=AuditVerb.EXPORTED).count()
    response = client.get(reverse(name))
    assert response.status_code == 302  # to the login page
    client.force_login(nurse)
    assert client.get(reverse(name)).status_code in {403, 404}
    assert AuditEvent.objects.filter(verb=AuditVerb.EXPORTED).count() == before
