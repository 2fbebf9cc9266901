"""Registering the arrival home (or the discharge) of a running pathway when it happens."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from forlop.core.models import AuditEvent, AuditVerb
from forlop.core.tz import OSLO
from forlop.pathways.models import StopPoint

pytestmark = pytest.mark.django_db

# Wednesday 11 March 2026, 10:00 in Oslo.
NOW = datetime(2026, 3, 11, 10, tzinfo=OSLO)
DISCHARGED = datetime(2026, 3, 10, 11, tzinfo=OSLO)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def not_home_yet(frozen, start_hph, patient, district, nurse):
    """Discharged yesterday, not home yet: HPH2 (three days from the arrival) is not planned."""
    return start_hph(patient, district, nurse, at=DISCHARGED, arrived_home_at=None)


def test_the_chain_offers_to_register_the_arrival(client, nurse, not_home_yet):
    client.force_login(nurse)
    page = client.get(reverse("pathways:pathway-detail", args=[not_home_yet.pk]))
    assert page.status_code == 200
    assert 'data-testid="register-anchors"' in page.content.decode()
    assert "Registrer hjemkomsten" in page.content.decode()


def test_registering_the_arrival_plans_hph2_three_days_later(client, nurse, not_home_yet):
    # given
    assert not not_home_yet.stop_points.filter(definition__code="HPH2").exists()
    client.force_login(nurse)

    # when
    response = client.post(
        reverse("pathways:pathway-anchors", args=[not_home_yet.pk]),
        {"arrived_home_at": "2026-03-11T09:30"},
    )

    # then
    assert response.status_code == 302
    not_home_yet.refresh_from_db()
    assert not_home_yet.arrived_home_at == datetime(2026, 3, 11, 9, 30, tzinfo=OSLO)
    hph2 = StopPoint.objects.get(pathway=not_home_yet, definition__code="HPH2")
    assert hph2.due_at.astimezone(OSLO).date().isoformat() == "2026-03-14"
    row = AuditEvent.objects.filter(verb=AuditVerb.EVENT_RECORDED, target_id=not_home_yet.pk).get()
    assert row.data["anchors"] == ["arrived_home_at"]
    assert "HPH2" in row.data["stop_points"]
    page = client.get(reverse("pathways:pathway-detail", args=[not_home_yet.pk]))
    assert 'data-testid="register-anchors"' not in page.content.decode()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-03-10T08:00", "Pasienten kan ikke komme hjem før utskrivningen."),
        ("2026-03-12T08:00", "Tidspunktet kan ikke ligge fram i tid."),
        ("", "Oppgi tidspunktet for utskrivningen eller hjemkomsten."),
        ("i går", "Oppgi"),
    ],
)
def test_bad_times_are_refused_in_norwegian_and_change_nothing(
    client, nurse, not_home_yet, value, message
):
    client.force_login(nurse)
    stop_points = StopPoint.objects.count()

    response = client.post(
        reverse("pathways:pathway-anchors", args=[not_home_yet.pk]), {"arrived_home_at": value}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    not_home_yet.refresh_from_db()
    assert not_home_yet.arrived_home_at is None
    # the page read is audited; nothing was written
    assert StopPoint.objects.count() == stop_points
    assert not AuditEvent.objects.filter(verb=AuditVerb.EVENT_RECORDED).exists()


def test_another_municipality_cannot_reach_the_page(client, other_nurse, not_home_yet):
    client.force_login(other_nurse)
    url = reverse("pathways:pathway-anchors", args=[not_home_yet.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"arrived_home_at": "2026-03-11T09:30"}).status_code == 404
    not_home_yet.refresh_from_db()
    assert not_home_yet.arrived_home_at is None
