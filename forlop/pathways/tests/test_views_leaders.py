"""The leaders' view through the client: figures, the stop points behind them, bad input."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forlop.core.models import AuditEvent
from forlop.core.tests.factories import UnitFactory
from forlop.patients.tests.factories import PatientFactory, PatientServiceFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


# --------------------------------------------------------------------------------------------
# Leaders' view
# --------------------------------------------------------------------------------------------


def test_leaders_view_is_for_leaders(client, nurse, leader, hph2):
    client.force_login(nurse)
    assert client.get(reverse("pathways:leader")).status_code == 403
    client.force_login(leader)
    today = timezone.localdate()
    response = client.get(
        reverse("pathways:leader"),
        {"date_from": (today - timedelta(days=30)).isoformat(), "date_to": today.isoformat()},
    )
    assert response.status_code == 200
    tables = {by: [r.row for r in rows] for by, _title, rows in response.context["tables"]}
    assert set(tables) == {"definition", "unit", "employee"}
    hph2_row = next(r for r in tables["definition"] if r.key == "HPH2")
    assert (hph2_row.n_due, hph2_row.n_missed, hph2_row.share_on_time) == (1, 1, 0.0)
    assert [i.code for i in response.context["overdue"]].count("HPH2") == 1
    # the overdue cards are the work list's, with its words
    overdue = response.content.decode().split('data-testid="leader-overdue"')[1]
    assert 'data-testid="work-item"' in overdue
    assert "<dt>Frist</dt>" in overdue
    assert "<dt>Ansvarlig</dt>" in overdue
    assert "Registrer en hendelse" in overdue


@pytest.mark.clock("2026-03-20T10:00+01:00")
def test_each_leaders_figure_opens_the_stop_points_behind_it_with_a_trend(
    client, leader, district, patient, nurse, start_hph
):
    from datetime import datetime

    from forlop.core.tz import OSLO

    # given two pathways started in January and February: HPH2 missed in both
    start_hph(patient, district, nurse, at=datetime(2026, 1, 12, 9, tzinfo=OSLO))
    other = PatientFactory(given_name="Berit", family_name="Bakken")
    PatientServiceFactory(patient=other, unit=district)
    start_hph(other, district, nurse, at=datetime(2026, 2, 9, 9, tzinfo=OSLO))
    client.force_login(leader)
    period = {"date_from": "01.01.2026", "date_to": "20.03.2026"}
    # when the leader opens the view
    response = client.get(reverse("pathways:leader"), period)
    assert response.status_code == 200
    rows = {by: rows for by, _title, rows in response.context["tables"]}
    hph2 = next(r for r in rows["definition"] if r.row.key == "HPH2")
    assert (hph2.row.n_due, hph2.row.n_missed) == (2, 2)
    # then the stop point has a six-month trend: nothing decided until January, then 0 %
    trend = [(p.month.month, p.share_on_time, p.n_decided) for p in hph2.trend.points]
    assert trend == [
        (10, None, 0),
        (11, None, 0),
        (12, None, 0),
        (1, 0.0, 1),
        (2, 0.0, 1),
        (3, None, 0),
    ]
    html = response.content.decode()
    assert 'data-testid="trend"' in html
    assert "0 % → 0 %" in html
    # and the figure "missed" links to exactly the two stop points behind it
    link = re.search(
        r'href="(/pathways/leaders/stop-points/\?[^"]*key=HPH2[^"]*status=missed)"', html
    )
    assert link
    listed = client.get(link.group(1).replace("&amp;", "&"))
    assert listed.status_code == 200
    assert [sp.pathway.patient.family_name for sp, _status in listed.context["rows"]] == [
        patient.family_name,
        "Bakken",
    ]
    assert listed.context["total"] == hph2.row.n_missed
    body = listed.content.decode()
    assert "Bakken" in body
    assert f"{listed.context['status_title']}: HPH2 Strukturert oppfølging av sykepleier" in body
    # the names shown are audited as one read
    assert (
        AuditEvent.objects.filter(
            actor=leader, verb="patient.viewed", data__leaders__status="missed"
        ).count()
        == 1
    )


@pytest.mark.clock("2026-03-20T10:00+01:00")
def test_the_figure_list_queries_do_not_grow_with_the_rows(
    client, leader, district, nurse, start_hph
):
    from datetime import datetime

    from forlop.core.tz import OSLO

    def add(n: int) -> None:
        for _ in range(n):
            p = PatientFactory()
            PatientServiceFactory(patient=p, unit=district)
            start_hph(p, district, nurse, at=datetime(2026, 2, 9, 9, tzinfo=OSLO))

    url = reverse("pathways:leader-stop-points")
    query = {
        "date_from": "01.01.2026",
        "date_to": "20.03.2026",
        "by": "unit",
        "key": district.pk,
        "status": "due",
    }
    client.force_login(leader)
    add(1)
    client.get(url, query)
    with CaptureQueriesContext(connection) as few:
        first = client.get(url, query)
    add(3)
    with CaptureQueriesContext(connection) as many:
        second = client.get(url, query)
    assert len(second.context["rows"]) == 4 * len(first.context["rows"]) > 0
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_figure_list_refuses_bad_input_and_non_leaders(client, leader, nurse):
    url = reverse("pathways:leader-stop-points")
    good = {"date_from": "01.01.2026", "date_to": "20.03.2026", "by": "definition"}
    client.force_login(nurse)
    assert client.get(url, {**good, "key": "HPH2", "status": "missed"}).status_code == 403
    client.force_login(leader)
    for bad in (
        {**good, "key": "HPH2", "status": "whatever"},
        {**good, "by": "unit", "key": "abc", "status": "due"},
        {**good, "by": "employee", "key": "99999999999999", "status": "due"},
        {**good, "by": "nothing", "key": "x", "status": "due"},
        {"by": "definition", "key": "HPH2", "status": "due"},
        {**good, "date_to": "01.01.2025", "key": "HPH2", "status": "due"},
    ):
        response = client.get(url, bad)
        assert response.status_code == 400, bad
    # a unit the leader does not lead is refused too (not a list of someone else's stop points)
    other = UnitFactory()
    assert (
        client.get(url, {**good, "unit": other.pk, "key": "HPH2", "status": "due"}).status_code
        == 400
    )
    # an unknown person or code lists nothing
    response = client.get(url, {**good, "by": "employee", "key": "424242", "status": "due"})
    assert response.status_code == 200
    assert response.context["total"] == 0


def test_leaders_view_rejects_a_reversed_period(client, leader):
    client.force_login(leader)
    response = client.get(
        reverse("pathways:leader"), {"date_from": "2026-11-20", "date_to": "2026-11-01"}
    )
    assert response.status_code == 400
    assert response.context["tables"] == []
