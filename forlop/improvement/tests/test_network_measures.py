"""The measure pages with what this app plugs into them: a network coordinator sees only the
network's aggregate (small cells suppressed), and a team's annotation is kept and drawn."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from forlop.core.models import Organisation, Role, Unit
from forlop.improvement.models import Annotation, Network
from forlop.measures.tests.conftest import oslo
from forlop.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

CHART = ("municipality", "testvik", "hph2-within-3-days")


@pytest.fixture(autouse=True)
def _clock():
    # The charts show the 24 months before today: keep January 2025 inside the window.
    with time_machine.travel(oslo(2025, 3, 15), tick=False):
        yield


@pytest.fixture
def data(default_measures, district, add_pathway, add_stop_point):
    # A name no factory draws for anyone else: with a drawn one, the coordinator's own name in
    # the menu ("Arnesen" both) once failed the test that the patient's name is not shown.
    patient = PatientFactory(
        given_name="Pasientine", family_name="Navnesen", municipality=district.organisation
    )
    p = add_pathway(district, oslo(2025, 1, 2), discharged_at=oslo(2025, 1, 2), patient=patient)
    return add_stop_point(p, "HPH2", oslo(2025, 1, 5))


def test_network_coordinator_sees_only_the_network(
    client, data, municipality, make_member, district
):
    usht = Organisation.objects.create(
        kind=Organisation.Kind.COORDINATION, name="USHT", code="usht", org_number="974633752"
    )
    office = Unit.objects.create(
        organisation=usht, kind=Unit.Kind.ADMINISTRATION, name="Kontor", code="usht-kontor"
    )
    network = Network.objects.create(
        name="Vestfold",
        code="vestfold",
        coordinator=usht,
        starts_on=date(2024, 9, 1),
        ends_on=date(2026, 6, 30),
    )
    network.members.add(municipality)
    client.force_login(make_member(office, Role.NETWORK_COORDINATOR, username="coord"))
    assert client.get(reverse("measures:chart", args=CHART)).status_code == 404
    assert (
        client.get(reverse("measures:dashboard", args=("unit", district.code))).status_code == 404
    )
    index = client.get(reverse("measures:index"))
    assert b'data-testid="scope-network-vestfold"' in index.content
    response = client.get(reverse("measures:dashboard", args=("network", "vestfold")))
    assert response.status_code == 200
    assert b'id="suppression-note"' in response.content
    # one case in January: suppressed
    chart = client.get(reverse("measures:chart", args=("network", "vestfold", CHART[2])))
    assert chart.status_code == 200
    assert b"suppression-note" in chart.content
    assert data.pathway.patient.family_name.encode() not in chart.content
    # and it cannot annotate
    post = client.post(
        reverse("measures:annotate", args=("network", "vestfold", CHART[2])),
        {"date": "2025-01-10", "text": "x"},
    )
    assert post.status_code == 404
    assert Annotation.objects.count() == 0


def test_annotation_is_kept_and_drawn(client, data, make_member, district):
    client.force_login(make_member(district, Role.IMPROVEMENT_MEMBER, username="team"))
    response = client.post(
        reverse("measures:annotate", args=CHART),
        {"date": "2025-01-10", "text": "Ny sjekkliste", "part_ends_here": "on"},
    )
    assert response.status_code == 302
    note = Annotation.objects.get()
    assert (note.level, note.scope_code, note.text, note.part_ends_here) == (
        "municipality",
        "testvik",
        "Ny sjekkliste",
        True,
    )
    chart = client.get(reverse("measures:chart", args=CHART))
    assert chart.status_code == 200
    assert chart.content.count(b'class="spc-annotation"') == 1
    exported = client.get(reverse("measures:export", args=(*CHART, "json")))
    assert exported.json()[0]["annotations"] == [
        {"date": "2025-01-10", "text": "Ny sjekkliste", "part_ends_here": True}
    ]
