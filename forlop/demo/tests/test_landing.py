"""Every role lands where its work is and is offered only what it may do (the demo users)."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import time_machine
from django.test import Client

from forlop.core.models import User
from forlop.core.tz import OSLO
from forlop.demo.testing import demo_load
from forlop.pathways.models import Pathway
from forlop.patients.models import Patient

NOW = datetime(2026, 3, 11, 10, 0, tzinfo=OSLO)

LANDING = {
    "sykepleier": "/pathways/worklist/",
    "sykepleier2": "/pathways/worklist/",
    "sykepleier.tonsberg": "/pathways/worklist/",
    "tildeling": "/pathways/worklist/",
    "fastlege": "/pathways/worklist/",
    "fastlege2": "/pathways/worklist/",
    "sykehus": "/pathways/ward/",
    "leder": "/pathways/leaders/",
    "admin": "/pathways/leaders/",
    "forbedring": "/measures/",
    "koordinator": "/measures/",
    "pasient": "/my/",
}


@pytest.mark.django_db
def test_every_demo_user_lands_on_their_work_and_sees_only_what_they_may_do() -> None:
    with time_machine.travel(NOW, tick=False):
        demo_load(today=date(2026, 3, 11))
        users = {u.username: u for u in User.objects.filter(username__in=LANDING)}
        assert set(users) == set(LANDING)
        for username, landing in LANDING.items():
            client = Client()
            client.force_login(users[username])
            # the front page sends each role to its work
            response = client.get("/")
            assert response.status_code == 302, username
            assert response["Location"] == landing, username
            assert client.get(landing).status_code == 200, username
            if username == "pasient":
                continue
            # "Register patient" is offered exactly when registering is allowed
            page = client.get("/patients/").content.decode()
            offered = 'href="/patients/new/"' in page
            allowed = client.get("/patients/new/").status_code == 200
            assert offered == allowed, username
        # and the roles that register are the municipality's home care and allocation office
        registering = set()
        for username in LANDING.keys() - {"pasient"}:
            client = Client()
            client.force_login(users[username])
            if client.get("/patients/new/").status_code == 200:
                registering.add(username)
        assert registering == {
            "sykepleier",
            "sykepleier2",
            "sykepleier.tonsberg",
            "tildeling",
            "leder",
        }
        # the allocation office registers to any home-care unit of its municipality
        client = Client()
        client.force_login(users["tildeling"])
        form = client.get("/patients/new/").content.decode()
        units = re.search(r'name="serving_unit".*?</select>', form, re.DOTALL).group(0)
        assert "Hjemmetjenesten nord" in units
        assert "Hjemmetjenesten sør" in units
        assert "Hjemmetjenesten sentrum" not in units  # Tønsberg's
        contacts = re.search(r'name="primary_contact".*?</select>', form, re.DOTALL).group(0)
        assert "Nina Nordli" in contacts
        assert "Sigrid Sørensen" in contacts


@pytest.mark.django_db
def test_the_hospital_nurse_lands_on_her_ward_and_a_discharge_sends_her_back_to_it() -> None:
    with time_machine.travel(NOW, tick=False):
        demo_load(today=date(2026, 3, 11))
        client = Client()
        client.force_login(User.objects.get(username="sykehus"))
        # given her ward's admitted patients, with the admission report home care sent
        page = client.get("/pathways/ward/").content.decode()
        admitted = re.findall(r'class="ds-link worklist-card__patient"[^>]*>([^<]+)<', page)
        assert admitted == ["Olav Larsen", "Odd Haugen"]
        assert 'data-testid="ward-admission-report"' in page
        discharge = re.search(r'href="(/pathways/(\d+)/times/\?action=discharge[^"#]*)', page)
        assert discharge
        url, pathway_id = discharge.group(1).replace("&amp;", "&"), discharge.group(2)
        # when she registers the discharge on the pathway's timeline, reached from the ward
        form = client.get(url).content.decode()
        assert 'data-testid="time-form-discharge"' in form
        assert 'name="next" value="/pathways/ward/"' in form
        response = client.post(
            f"/pathways/{pathway_id}/times/discharge/",
            {
                "discharge-at": "11.03.2026 10:00",
                "discharge-destination": "",
                "next": "/pathways/ward/",
            },
            follow=True,
        )
        # then she is back on her ward's list with a message, and the patient has left it
        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == "/pathways/ward/"
        html = response.content.decode()
        assert "Lagret." in html
        patient_id = Pathway.objects.get(pk=pathway_id).patient_id
        discharged = Patient.objects.get(pk=patient_id).full_name
        assert re.findall(r'class="ds-link worklist-card__patient"[^>]*>([^<]+)<', html) == [
            name for name in admitted if name != discharged
        ]
