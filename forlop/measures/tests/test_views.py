"""Measure pages through the client: the permission ladder, charts, annotations, closing a
period (a later correction shows as a difference), imports (all or nothing) and exports."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from forlop.core.models import Role, Unit
from forlop.core.tz import OSLO
from forlop.measures.models import ManualValue, MeasureSnapshot
from forlop.measures.services import measure_create_manual
from forlop.measures.tests.conftest import AFTER_THE_ROWS, oslo
from forlop.pathways.models import StopPoint
from forlop.patients.tests.factories import PatientFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock(AFTER_THE_ROWS)]

CHART = ("municipality", "testvik", "hph2-within-3-days")


@pytest.fixture
def team_member(district, make_member):
    return make_member(district, Role.IMPROVEMENT_MEMBER, username="team")


@pytest.fixture
def data(default_measures, district, add_pathway, add_stop_point):
    # A name no factory draws for a user: the page shows the user's own name in its menu.
    patient = PatientFactory(
        given_name="Pasientine", family_name="Navnesen", municipality=district.organisation
    )
    p = add_pathway(district, oslo(2025, 1, 2), discharged_at=oslo(2025, 1, 2), patient=patient)
    return add_stop_point(p, "HPH2", oslo(2025, 1, 5))


def test_permission_ladder(client, data, nurse, team_member, other_municipality, make_member):
    url = reverse("measures:chart", args=CHART)
    # anonymous: to the login page
    assert client.get(url).status_code == 302
    # a nurse (clinical role only): not found
    client.force_login(nurse)
    assert client.get(url).status_code == 404
    # a leader of another municipality: not found
    other_unit = Unit.objects.create(
        organisation=other_municipality, kind=Unit.Kind.HOME_CARE, name="X", code="x"
    )
    client.force_login(make_member(other_unit, Role.UNIT_LEADER, username="otherlead"))
    assert client.get(url).status_code == 404
    # the improvement team member: the chart
    client.force_login(team_member)
    response = client.get(url)
    assert response.status_code == 200
    assert b"<svg" in response.content
    assert data.pathway.patient.family_name.encode() not in response.content


def test_dashboard_and_control_chart(client, data, team_member):
    client.force_login(team_member)
    response = client.get(reverse("measures:dashboard", args=CHART[:2]))
    assert response.status_code == 200
    assert b'data-testid="measure-hph2-within-3-days"' in response.content
    control = client.get(reverse("measures:chart", args=CHART) + "?chart=control")
    assert b"spc-chart--p" in control.content


def test_chart_names_periods_the_norwegian_way(client, data, team_member):
    # given the clock in December 2025 and the site's language (bokmål)
    with time_machine.travel(datetime(2025, 12, 15, 12, 0, tzinfo=OSLO), tick=False):
        client.force_login(team_member)
        # when the chart's page is opened
        body = client.get(reverse("measures:chart", args=CHART)).content.decode()
    # then its table names the months as Norwegians write them, not 2025-12 (issue 10, item 10)
    assert '<th scope="row">jan. 2025</th>' in body
    assert '<th scope="row">mai 2025</th>' in body
    assert '<th scope="row">2025-05</th>' not in body


def test_closed_period_shows_a_later_correction(client, data, team_member):
    client.force_login(team_member)
    response = client.post(reverse("measures:close", args=CHART), {"period_start": "2025-01-01"})
    assert response.status_code == 302
    snapshot = MeasureSnapshot.objects.get()
    assert (snapshot.numerator, snapshot.denominator) == (0, 1)
    # a later correction: the stop point was in fact done on time
    StopPoint.objects.filter(pk=data.pk).update(completed_at=oslo(2025, 1, 4))
    from forlop.measures.compute import Scope
    from forlop.measures.selectors import measure_series

    series = measure_series(
        snapshot.measure,
        scope=Scope("municipality", "testvik", "Testvik", (data.pathway.unit.organisation_id,)),
        first=oslo(2025, 1, 1).date(),
        last=oslo(2025, 2, 1).date(),
        as_of=oslo(2025, 3, 1),
    )
    january = series.points[0]
    assert (january.numerator, january.snapshot_numerator, january.changed_since_closed) == (
        1,
        0,
        True,
    )


def test_export_xlsx(client, data, team_member):
    client.force_login(team_member)
    response = client.get(reverse("measures:export", args=(*CHART, "xlsx")))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.worksheets[0]._charts


@pytest.fixture
def manual(municipality, default_measures):
    return measure_create_manual(
        organisation=municipality, code="falls", name="Falls", numerator="Falls per week"
    )


def upload(client, content: bytes, name: str):
    return client.post(
        reverse("measures:import", args=("municipality", "testvik", "falls")),
        {"file": SimpleUploadedFile(name, content)},
    )


def test_import_csv_all_or_nothing(client, manual, team_member):
    client.force_login(team_member)
    bad = b"period,value,comment\n2025-01-06,3,ok\n2025-01-13,tre,x\n2025-01-20,=1+2,y\n"
    response = upload(client, bad, "falls.csv")
    assert response.status_code == 400
    assert "Rad 3" in response.content.decode()
    assert "Rad 4" in response.content.decode()
    assert ManualValue.objects.count() == 0
    missing = upload(client, b"period,count\n2025-01-06,3\n", "falls.csv")
    assert missing.status_code == 400
    assert "value" in missing.content.decode()
    assert ManualValue.objects.count() == 0
    good = b"period;value;comment\n2025-01-06;3;=HYPERLINK(x)\n2025-01-13;5;@SUM\n"
    assert upload(client, good, "falls.csv").status_code == 302
    assert list(ManualValue.objects.values_list("numerator", "comment")) == [
        (3.0, "=HYPERLINK(x)"),
        (5.0, "@SUM"),
    ]


def test_import_xlsx_formula_cells_are_not_numbers(client, manual, team_member):
    client.force_login(team_member)
    book = Workbook()
    sheet = book.active
    sheet.append(["period", "value", "comment"])
    sheet.append(["2025-01-06", 2, "+47 fine"])
    sheet.append(["2025-01-13", "=A1*2", "x"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(client, buffer.getvalue(), "falls.xlsx")
    assert response.status_code == 400
    assert "Rad 3" in response.content.decode()
    assert ManualValue.objects.count() == 0


def test_a_series_with_nothing_to_draw_shows_words_not_an_empty_chart(
    client, default_measures, team_member
):
    # given no stop points at all in the window (as a small network's suppressed periods)
    client.force_login(team_member)
    # when the dashboard and a chart page are opened
    dashboard = client.get(reverse("measures:dashboard", args=CHART[:2])).content.decode()
    chart = client.get(reverse("measures:chart", args=CHART)).content.decode()
    # then they say there is nothing to draw, and draw no axis (it was an empty 85–105 % chart)
    for body in (dashboard, chart):
        assert 'data-testid="no-chart"' in body
        assert "Ingen verdier å tegne" in body or "No values to draw" in body
    card = dashboard.split('data-testid="measure-hph2-within-3-days"')[1].split("</section>")[0]
    assert "<svg" not in card
