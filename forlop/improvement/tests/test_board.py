"""The huddle board: the unit's overdue and today's stop points, new patients and falls and
admissions since yesterday, nothing for a user of another unit, initials only when set, one
audit row per read, and no patient reached only through emergency access."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from forlop.core.models import AuditEvent, AuditVerb, Role
from forlop.improvement.models import BoardSetting
from forlop.improvement.views.board import initials
from forlop.pathways.models import PathwayEvent
from forlop.patients.models import EmergencyAccess, PatientService
from forlop.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 3, 2, 9, tzinfo=OSLO)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def nurse(district, make_member):
    return make_member(district, Role.PRIMARY_CONTACT, username="nina", first_name="Nina")


@pytest.fixture
def board_data(district, nurse, add_pathway, add_stop_point):
    """Astrid Hansen, served by the unit: one stop point overdue, one due today; she fell last
    night. Olav Berg started a pathway yesterday. Kari Lund is reached only through emergency
    access and has an overdue stop point."""
    astrid = PatientFactory(
        given_name="Astrid", family_name="Hansen", municipality=district.organisation
    )
    olav = PatientFactory(given_name="Olav", family_name="Berg", municipality=district.organisation)
    kari = PatientFactory(given_name="Kari", family_name="Lund", municipality=district.organisation)
    for patient in (astrid, olav):
        PatientService.objects.create(patient=patient, unit=district, started_on=date(2026, 1, 1))
    first = add_pathway(district, datetime(2026, 2, 1, 10, tzinfo=OSLO), patient=astrid)
    add_stop_point(
        first,
        "HPH2",
        datetime(2026, 2, 20, tzinfo=OSLO),
        ends_at=datetime(2026, 2, 21, tzinfo=OSLO),
    )
    add_stop_point(
        first,
        "HPH3",
        datetime(2026, 3, 2, 14, tzinfo=OSLO),
        ends_at=datetime(2026, 3, 2, 15, tzinfo=OSLO),
    )
    add_pathway(district, datetime(2026, 3, 1, 11, tzinfo=OSLO), patient=olav)
    PathwayEvent.objects.create(
        patient=astrid,
        pathway=first,
        kind="fall",
        occurred_at=datetime(2026, 3, 1, 22, tzinfo=OSLO),
    )
    hidden = add_pathway(district, datetime(2026, 2, 1, 10, tzinfo=OSLO), patient=kari)
    add_stop_point(
        hidden,
        "HPH2",
        datetime(2026, 2, 20, tzinfo=OSLO),
        ends_at=datetime(2026, 2, 21, tzinfo=OSLO),
    )
    EmergencyAccess.objects.create(
        patient=kari,
        user=nurse,
        reason="Akutt",
        granted_at=NOW - timedelta(hours=1),
        expires_at=NOW + timedelta(hours=3),
    )
    return {"astrid": astrid, "olav": olav, "kari": kari}


def test_the_board_shows_the_units_day(client, district, nurse, board_data):
    # given
    client.force_login(nurse)
    before = AuditEvent.objects.count()
    # when
    response = client.get(reverse("improvement:board", args=(district.code,)))
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="board-overdue-count">1<' in page
    assert 'data-testid="board-today-count">1<' in page
    assert 'data-testid="board-new-count">1<' in page
    assert 'data-testid="board-events-count">1<' in page
    assert "Astrid Hansen" in page
    assert "Olav Berg" in page
    assert "Lund" not in page  # emergency access never puts a patient on the wall
    assert 'hx-trigger="every 30s"' in page
    audit = AuditEvent.objects.filter(verb=AuditVerb.WORKLIST_VIEWED).latest("pk")
    assert AuditEvent.objects.count() == before + 1
    assert audit.data == {
        "unit": district.code,
        "board": True,
        "patients": sorted([board_data["astrid"].pk, board_data["olav"].pk]),
    }


def test_the_board_shows_nothing_to_a_user_of_another_unit(
    client, district, other_district, other_municipality, make_member, board_data
):
    from forlop.core.models import Unit

    south = make_member(other_district, Role.PRIMARY_CONTACT, username="sigrid")
    elsewhere_unit = Unit.objects.create(
        organisation=other_municipality, kind=Unit.Kind.HOME_CARE, name="Andre", code="andre-1"
    )
    elsewhere = make_member(elsewhere_unit, Role.UNIT_LEADER, username="anders")
    before = AuditEvent.objects.count()
    for user in (south, elsewhere):
        client.force_login(user)
        for name in ("improvement:board", "improvement:board-live"):
            response = client.get(reverse(name, args=(district.code,)))
            assert response.status_code == 404
            assert "Astrid" not in response.content.decode()
    client.logout()
    response = client.get(reverse("improvement:board", args=(district.code,)))
    assert response.status_code == 302
    assert AuditEvent.objects.count() == before


def test_initials_only_shows_nothing_beyond_initials(client, district, nurse, board_data):
    BoardSetting.objects.create(unit=district, initials_only=True)
    # The factory's random name may share a word with a patient's ("Nina Berg" in the menu)
    nurse.first_name, nurse.last_name = "Tone", "Sykepleier"
    nurse.save(update_fields=["first_name", "last_name"])
    client.force_login(nurse)
    for name in ("improvement:board", "improvement:board-live"):
        page = client.get(reverse(name, args=(district.code,))).content.decode()
        assert "<strong>A. H.</strong>" in page
        assert "<strong>O. B.</strong>" in page
        for word in ("Astrid", "Hansen", "Olav", "Berg"):
            assert word not in page


def test_an_address_may_ask_for_initials_but_never_for_more(client, district, nurse, board_data):
    client.force_login(nurse)
    page = client.get(reverse("improvement:board-live", args=(district.code,)) + "?initials=1")
    text = page.content.decode()
    assert "<strong>A. H.</strong>" in text
    assert "Astrid" not in text
    assert "?initials=1" in text  # the next refresh keeps asking for initials


def test_the_units_leader_sets_initials_only_audited(
    client, district, nurse, make_member, board_data
):
    leader = make_member(district, Role.UNIT_LEADER, username="lene")
    client.force_login(nurse)
    response = client.post(
        reverse("improvement:board-settings", args=(district.code,)), {"initials_only": "on"}
    )
    assert response.status_code == 404
    assert not BoardSetting.objects.exists()
    client.force_login(leader)
    response = client.post(
        reverse("improvement:board-settings", args=(district.code,)), {"initials_only": "on"}
    )
    assert response.status_code == 302
    assert BoardSetting.objects.get(unit=district).initials_only is True
    audit = AuditEvent.objects.get(verb=AuditVerb.BOARD_SETTING_CHANGED)
    assert (audit.actor, audit.data) == (
        leader,
        {"unit": district.code, "board_initials_only": True},
    )


def test_initials_of_double_names() -> None:
    patient = PatientFactory.build(given_name="Anne-Lise Marie", family_name="Berg Hansen")
    assert initials(patient) == "A.-L. M. B. H."


def test_the_board_lists_the_units_open_ideas(client, district, nurse, team, member, board_data):
    from forlop.improvement import services

    services.idea_create(team=team, actor=member, title="Nøkkelboks ved døra", unit=district)
    services.idea_create(team=team, actor=member, title="Annen enhets idé")
    client.force_login(nurse)
    page = client.get(reverse("improvement:board", args=(district.code,))).content.decode()
    assert "Nøkkelboks ved døra" in page
    assert "Annen enhets idé" not in page
    assert 'data-testid="board-chart-stop-points-on-time"' in page
    assert 'data-testid="board-chart-main-checklists-3-of-4"' in page  # the trial's measure


def test_the_board_draws_the_units_on_time_and_3_of_4_run_charts(
    client, district, nurse, board_data
):
    from forlop.measures.models import Measure
    from forlop.measures.selectors import default_window, measure_series, scope_for_unit

    # given the unit's two board measures as the dashboard computes them
    client.force_login(nurse)
    page = client.get(reverse("improvement:board", args=(district.code,)))
    assert page.status_code == 200
    expected = {}
    for code in ("stop-points-on-time", "main-checklists-3-of-4"):
        measure = Measure.objects.get(organisation__isnull=True, code=code)
        first, last = default_window(today=NOW.date(), period=measure.period, count=12)
        series = measure_series(
            measure, scope=scope_for_unit(district), first=first, last=last, as_of=NOW
        )
        expected[code] = [(p.period_start, p.numerator, p.denominator) for p in series.points]

    # then the board draws both, with the same points
    charts = page.context["charts"]
    assert [c["series"].measure.code for c in charts] == list(expected)
    for chart in charts:
        points = [(p.period_start, p.numerator, p.denominator) for p in chart["series"].points]
        assert points == expected[chart["series"].measure.code]
        assert len(points) == 12
        assert "<svg" in chart["svg"]
    # and the part the board polls every five minutes draws the same two
    html = page.content.decode()
    live = client.get(f"{reverse('improvement:board-live', args=(district.code,))}?part=charts")
    assert live.status_code == 200
    for code in expected:
        assert f'data-testid="board-chart-{code}"' in html
        assert f'data-testid="board-chart-{code}"' in live.content.decode()
    # two HPH2 due in February on the unit's pathways (Astrid's and Kari's), neither on time
    february = dict(
        zip(
            [p[0] for p in expected["stop-points-on-time"]],
            expected["stop-points-on-time"],
            strict=True,
        )
    )[date(2026, 2, 1)]
    assert (february[1], february[2]) == (0, 2)
    assert "Astrid" not in "".join(c["svg"] for c in page.context["charts"])
    assert html.count("<svg") >= 2
