"""Improvement fixtures: a network with its four gatherings planned, a team from the test
municipality with a member, and its coordinator. The measure builders (pathway rows with
known outcomes) are shared with the measures tests."""

from __future__ import annotations

from datetime import date

import pytest

from forlop.core.models import Organisation, Role, Unit, User
from forlop.improvement import services
from forlop.improvement.models import Gathering, Network, Team
from forlop.measures.tests.conftest import (  # noqa: F401 - fixtures used by these tests
    add_pathway,
    add_stop_point,
    default_measures,
    hph_version,
)

#: Gathering 1 of the test network; the network runs from its preparation to gathering 4.
G1 = date(2026, 1, 20)
G2 = date(2026, 4, 20)


@pytest.fixture
def usht(db: None) -> Organisation:
    return Organisation.objects.create(
        kind=Organisation.Kind.COORDINATION,
        name="USHT Testfold",
        code="usht",
        org_number="974633752",
    )


@pytest.fixture
def coordinator(usht: Organisation, make_member) -> User:
    office = Unit.objects.create(
        organisation=usht, kind=Unit.Kind.ADMINISTRATION, name="Kontor", code="usht-kontor"
    )
    return make_member(office, Role.NETWORK_COORDINATOR, username="coord", first_name="Knut")


@pytest.fixture
def network(usht: Organisation, coordinator: User) -> Network:
    network = Network.objects.create(
        name="Læringsnettverk Testfold",
        code="testfold",
        coordinator=usht,
        starts_on=date(2025, 10, 20),
        ends_on=date(2027, 7, 20),
    )
    services.network_plan_gatherings(
        network=network, actor=coordinator, first_gathering=G1, place="Tønsberg"
    )
    return network


@pytest.fixture
def gatherings(network: Network) -> dict[int, Gathering]:
    return {g.number: g for g in network.gatherings.filter(kind=Gathering.Kind.GATHERING)}


@pytest.fixture
def team(network: Network, coordinator: User, municipality: Organisation) -> Team:
    return services.team_create(
        network=network, actor=coordinator, organisation=municipality, name="Testvik kommune"
    )


@pytest.fixture
def member(team: Team, district: Unit, make_member, coordinator: User) -> User:
    user = make_member(district, Role.PRIMARY_CONTACT, username="frida", first_name="Frida")
    services.team_member_add(
        team=team, actor=coordinator, name="Frida Fjeld", user=user, organisation=team.organisation
    )
    return user
