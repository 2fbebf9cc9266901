"""The patient's own pages and the access ladder around them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from forlop.core.models import AuditEvent, AuditVerb
from forlop.core.tests.factories import UserFactory
from forlop.goals.models import PatientProposal
from forlop.goals.tests.builders import add_goals
from forlop.portal.models import PortalAccount

pytestmark = pytest.mark.django_db


def test_portal_shows_own_goals_and_chart(
    client, patient, nurse, seed_goals, portal_user, other_patient, other_nurse
):
    add_goals(other_patient, other_nurse, ["hemmelig mål for Olav"])
    client.force_login(nurse)
    client.get(reverse("goals:page", args=[patient.pk]))  # the nurse looks at the record
    client.force_login(portal_user)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    body = response.content.decode()
    for goal in seed_goals:
        assert goal.text in body
    assert "<svg" in body
    assert "Olav" not in body
    assert "hemmelig" not in body
    # who has looked: the nurse, not the patient's own visits
    assert f"{nurse.first_name} {nurse.last_name}" in body
    assert AuditEvent.objects.filter(actor=portal_user, verb=AuditVerb.GOALS_VIEWED).count() == 1


def test_login_redirects_portal_user_to_portal(client, portal_user):
    client.force_login(portal_user)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


@pytest.mark.parametrize(
    "path",
    [
        "/patients/",
        "/patients/audit/",
        "/patients/audit/emergency/",
        "/admin/",
        "/admin/goals/goal/",
        "/pathways/",
        "/measures/",
        "/pathway-templates/",
        "/goals/patient/1/",
    ],
)
def test_portal_user_refused_staff_pages(client, portal_user, path):
    client.force_login(portal_user)
    assert client.get(path).status_code == 404


def test_portal_user_refused_patient_pages(client, patient, other_patient, portal_user):
    client.force_login(portal_user)
    before = AuditEvent.objects.count()
    for pk in (patient.pk, other_patient.pk):
        assert client.get(reverse("patients:detail", args=[pk])).status_code == 404
        assert client.get(reverse("goals:page", args=[pk])).status_code == 404
        assert client.get(reverse("goals:print", args=[pk])).status_code == 404
    assert AuditEvent.objects.count() == before


def test_patient_pages_refuse_portal_user_even_without_middleware(
    client, settings, patient, portal_user
):
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if not m.endswith("PortalBoundaryMiddleware")
    ]
    client.force_login(portal_user)
    assert client.get(reverse("goals:page", args=[patient.pk])).status_code == 404
    assert client.get(reverse("patients:detail", args=[patient.pk])).status_code == 404


def test_staff_and_anonymous_refused_portal(client, nurse):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    client.force_login(nurse)
    assert client.get(reverse("portal:home")).status_code == 404
    assert client.get(reverse("portal:print")).status_code == 404
    plain = UserFactory(username="plain")
    client.force_login(plain)
    assert client.get(reverse("portal:home")).status_code == 404


def test_next_of_kin_sees_the_patient(client, patient, seed_goals):
    from django.utils import timezone

    kin = UserFactory(username="kin")
    PortalAccount.objects.create(
        user=kin, patient=patient, relation="next_of_kin", authorised_by_patient_at=timezone.now()
    )
    client.force_login(kin)
    body = client.get(reverse("portal:home")).content.decode()
    assert seed_goals[0].text in body


def test_propose_goal(client, patient, portal_user):
    client.force_login(portal_user)
    response = client.post(reverse("portal:home"), {"kind": "goal", "text": "gå tur med hunden"})
    assert response.status_code == 302
    proposal = PatientProposal.objects.get()
    assert (proposal.patient, proposal.author, proposal.kind) == (patient, portal_user, "goal")
    # an empty text is refused
    response = client.post(reverse("portal:home"), {"kind": "comment", "text": ""})
    assert response.status_code == 400
    assert PatientProposal.objects.count() == 1


def test_portal_print(client, patient, district, portal_user, seed_goals):
    district.phone = "33 08 50 10"
    district.save()
    client.force_login(portal_user)
    response = client.get(reverse("portal:print"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "33 08 50 10" in body
    assert seed_goals[0].text in body
