"""Writes on measures (annotating, closing a period) need an improvement team member, unit
leader or administrator of the organisation; network coordinators read only. The ladder:
anonymous -> another municipality -> nurse -> network coordinator -> the team. Through the
measure pages, with the annotations and networks this app plugs into them."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from forlop.core.models import Membership, Organisation, Role, Unit
from forlop.improvement.models import Annotation, Network
from forlop.improvement.selectors import scope_for_network
from forlop.measures.models import MeasureSnapshot
from forlop.measures.selectors import scope_for_organisation, user_may_edit
from forlop.measures.tests.conftest import AFTER_THE_ROWS, oslo

pytestmark = [pytest.mark.django_db, pytest.mark.clock(AFTER_THE_ROWS)]

CHART = ("municipality", "testvik", "hph2-within-3-days")


@pytest.fixture
def data(default_measures, district, add_pathway, add_stop_point):
    p = add_pathway(district, oslo(2025, 1, 2), discharged_at=oslo(2025, 1, 2))
    return add_stop_point(p, "HPH2", oslo(2025, 1, 5))


@pytest.fixture
def coordinator(municipality, make_member):
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
    return make_member(office, Role.NETWORK_COORDINATOR, username="coord")


def annotate(client, args=CHART):
    return client.post(
        reverse("measures:annotate", args=args), {"date": "2025-01-10", "text": "Ny rutine"}
    )


def close(client, args=CHART):
    return client.post(reverse("measures:close", args=args), {"period_start": "2025-01-01"})


def nothing_written() -> bool:
    return not Annotation.objects.exists() and not MeasureSnapshot.objects.exists()


def test_write_ladder(client, data, nurse, coordinator, other_municipality, make_member, district):
    # anonymous: to the login page, nothing written
    for response in (annotate(client), close(client)):
        assert response.status_code == 302
        assert "/login/" in response["Location"]
    assert nothing_written()
    # the leader of another municipality: not found
    other_unit = Unit.objects.create(
        organisation=other_municipality, kind=Unit.Kind.HOME_CARE, name="X", code="x"
    )
    client.force_login(make_member(other_unit, Role.UNIT_LEADER, username="otherlead"))
    assert annotate(client).status_code == 404
    assert close(client).status_code == 404
    assert nothing_written()
    # a nurse of the municipality (clinical role only): not found
    client.force_login(nurse)
    assert annotate(client).status_code == 404
    assert close(client).status_code == 404
    assert nothing_written()
    # the network coordinator: reads the network, writes nothing, here or on the network
    client.force_login(coordinator)
    network_chart = ("network", "vestfold", CHART[2])
    page = client.get(reverse("measures:chart", args=network_chart))
    assert page.status_code == 200
    assert b"<svg" in page.content
    assert b'id="annotation-form"' not in page.content
    assert b'id="close-form"' not in page.content
    for response in (annotate(client), close(client)):
        assert response.status_code == 404
    for response in (annotate(client, network_chart), close(client, network_chart)):
        assert response.status_code == 404
    assert nothing_written()
    # an improvement team member of the municipality: both writes go through
    client.force_login(make_member(district, Role.IMPROVEMENT_MEMBER, username="team"))
    page = client.get(reverse("measures:chart", args=CHART))
    assert b'id="annotation-form"' in page.content
    assert annotate(client).status_code == 302
    assert close(client).status_code == 302
    assert Annotation.objects.count() == 1
    assert MeasureSnapshot.objects.count() == 1


@pytest.mark.parametrize("role", [Role.UNIT_LEADER, Role.ADMINISTRATOR, Role.IMPROVEMENT_MEMBER])
def test_the_organisations_team_may_write(role, municipality, district, make_member):
    user = make_member(district, role)
    assert user_may_edit(user=user, scope=scope_for_organisation(municipality))


def test_no_writes_without_an_active_team_role(
    municipality, district, other_district, make_member, coordinator, nurse
):
    scope = scope_for_organisation(municipality)
    # a nurse, a coordinator (on the network too), and a team member whose membership ended
    assert not user_may_edit(user=nurse, scope=scope)
    assert not user_may_edit(user=coordinator, scope=scope)
    network = scope_for_network(Network.objects.get(code="vestfold"))
    assert not user_may_edit(user=coordinator, scope=network)
    former = make_member(other_district, Role.IMPROVEMENT_MEMBER, username="former")
    Membership.objects.filter(user=former).update(active=False)
    assert not user_may_edit(user=former, scope=scope)
