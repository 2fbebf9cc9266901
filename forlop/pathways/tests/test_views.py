"""Pathway pages through the client: work lists, start, checklist, chain, events, leaders."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forlop.core.models import AuditEvent, Organisation, Role
from forlop.core.tests.factories import UnitFactory
from forlop.pathways.models import (
    ChecklistAnswer,
    ChecklistItem,
    Pathway,
    PathwayEvent,
    StopPoint,
)
from forlop.patients.tests.factories import PatientFactory, PatientServiceFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def pathway(patient, district, nurse, start_hph):
    return start_hph(patient, district, nurse)


@pytest.fixture
def hph2(pathway) -> StopPoint:
    return pathway.stop_points.get(definition__code="HPH2")


def item(stop_point, key) -> ChecklistItem:
    return stop_point.definition.items.get(key=key)


def answer_url(stop_point, it):
    return reverse("pathways:checklist-answer", args=[stop_point.pk, it.pk])


def value_key(it):
    return f"item-{it.pk}-value"


# --------------------------------------------------------------------------------------------
# Work list
# --------------------------------------------------------------------------------------------


def test_worklist_shows_overdue_stop_point_with_patient_deadline_and_responsible(
    client, nurse, hph2
):
    client.force_login(nurse)
    response = client.get(reverse("pathways:worklist"))
    assert response.status_code == 200
    sections = {s.key: s.items for s in response.context["sections"]}
    codes = [i.code for i in sections["overdue"]]
    assert "HPH2" in codes
    card = next(i for i in sections["overdue"] if i.code == "HPH2")
    assert card.patient.full_name == "Astrid Testesen"
    assert card.responsible == nurse
    html = response.content.decode()
    assert f'href="{reverse("pathways:stop-point-detail", args=[hph2.pk])}"' in html
    assert 'data-testid="nav-overdue"' in html


def test_worklist_htmx_renders_only_the_sections(client, nurse, district, hph2):
    client.force_login(nurse)
    response = client.get(reverse("pathways:worklist"), {"unit": district.pk}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="worklist-sections"')
    assert "<html" not in html


def test_worklist_of_a_unit_the_user_is_not_in_is_not_found(client, nurse, other_district):
    client.force_login(nurse)
    response = client.get(reverse("pathways:worklist"), {"unit": other_district.pk})
    assert response.status_code == 404


def test_worklist_query_count_is_constant(client, nurse, municipality, district, start_hph):
    from forlop.goals.services import goal_add

    def add_patients(n):
        for _ in range(n):
            p = PatientFactory(municipality=municipality)
            PatientServiceFactory(patient=p, unit=district)
            start_hph(p, district, nurse)
            goal_add(patient=p, actor=nurse, text="Klare trappen selv")  # the card shows goals

    client.force_login(nurse)
    add_patients(3)
    client.get(reverse("pathways:worklist"))  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("pathways:worklist"))
    assert len({i.patient.pk for i in response.context["sections"][0].items}) == 3
    add_patients(27)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("pathways:worklist"))
    # the section counts all 60 (two overdue stop points for each of the 30 patients); the
    # page shows the first 25 of them (paging, issue 16)
    assert response.context["sections"][0].total == 60
    assert len(response.context["sections"][0].items) == 25
    assert "Klare trappen selv" in response.content.decode()
    # the goals headers on the cards are loaded in one batch, so every query is counted
    assert len(many.captured_queries) == len(few.captured_queries)


def test_print_view_lists_the_units_day_for_a4(client, nurse, district, hph2):
    # The day printed is the day HPH2 falls due, whatever the real clock says: a fixed date
    # beside a pathway started relative to the clock stopped matching on 2026-12-05.
    due_day = timezone.localdate(hph2.due_at)
    client.force_login(nurse)
    response = client.get(
        reverse("pathways:worklist-print"), {"unit": district.pk, "date": due_day.isoformat()}
    )
    assert response.status_code == 200
    rows = re.findall(r'data-testid="print-row"', response.content.decode())
    assert len(rows) >= 1
    assert "HPH2" in response.content.decode()
    assert response.context["unit"] == district


def test_print_view_of_another_unit_is_not_found(client, nurse, other_district):
    client.force_login(nurse)
    response = client.get(reverse("pathways:worklist-print"), {"unit": other_district.pk})
    assert response.status_code == 404


def test_patient_panels_render_nothing_without_a_patient():
    from django.template import engines

    page = engines["django"].from_string(
        '{% load pathways_tags %}[{% patient_panels "patient" p %}]'
    )
    assert page.render({"p": None}) == "[]"


# --------------------------------------------------------------------------------------------
# Starting a pathway
# --------------------------------------------------------------------------------------------


def start_form(version, district, **overrides):
    data = {
        "version": version.pk,
        "start_reason": "discharge",
        "unit": district.pk,
        # an hour ago on the clock, then in Oslo time: never a wall time a DST change skips
        "started_at": timezone.localtime(timezone.now() - timedelta(hours=1)).strftime(
            "%Y-%m-%dT%H:%M"
        ),
    }
    data.update(overrides)
    return data


def test_start_preview_updates_through_htmx(client, nurse, patient, district, hph_version):
    client.force_login(nurse)
    url = reverse("pathways:pathway-start", args=[patient.pk])
    planned = (timezone.localtime() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    # reported ready for discharge, still in hospital: HPH0 and HPH1 only
    response = client.get(
        url, start_form(hph_version, district, planned_discharge_at=planned), headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="ds-card pathway-preview"')
    codes = re.findall(r'data-testid="preview-row" data-code="([^"]+)"', html)
    assert codes == ["HPH0", "HPH1"]
    assert ">allocation_office<" not in html  # the role in words
    assert "Tildelingskontor" in html
    # already discharged: HPH3 counts from the discharge too, with the GP's part
    left = (timezone.localtime() - timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    response = client.get(url, start_form(hph_version, district, discharged_at=left), headers=HTMX)
    html = response.content.decode()
    assert "HPH3" in re.findall(r'data-testid="preview-row" data-code="([^"]+)"', html)
    assert "Primærkontakt / sykepleier + Fastlege" in html
    # a discharge without a planned discharge (or a discharge) is refused
    response = client.get(url, start_form(hph_version, district), headers=HTMX)
    assert "Rett opp skjemaet for å se forhåndsvisningen." in response.content.decode()
    assert 'data-testid="preview-row"' not in response.content.decode()
    assert Pathway.objects.count() == 0


def test_start_page_without_js_shows_preview_and_starts(
    client, nurse, patient, district, hph_version
):
    client.force_login(nurse)
    url = reverse("pathways:pathway-start", args=[patient.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"]["unit"].value() == district.pk  # the unit that serves the patient
    preview = client.get(url, start_form(hph_version, district, start_reason="new_user"))
    assert preview.status_code == 200
    assert 'data-code="HPH2"' in preview.content.decode()
    response = client.post(url, start_form(hph_version, district, start_reason="new_user"))
    pathway = Pathway.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("pathways:pathway-detail", args=[pathway.pk])
    assert pathway.start_reason == "new_user"
    assert pathway.started_by == nurse
    assert pathway.stop_points.filter(definition__code="HPH2").exists()


def test_start_with_bad_input_changes_nothing(client, nurse, patient, district, hph_version):
    client.force_login(nurse)
    url = reverse("pathways:pathway-start", args=[patient.pk])
    future = timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, start_form(hph_version, district, started_at=future))
    assert response.status_code == 400
    assert Pathway.objects.count() == 0
    response = client.post(url, start_form(hph_version, district, start_reason="nonsense"))
    assert response.status_code == 400
    assert Pathway.objects.count() == 0


# --------------------------------------------------------------------------------------------
# Checklist
# --------------------------------------------------------------------------------------------


def test_checklist_permission_ladder(
    client, make_member, nurse, other_municipality, other_district, hph2
):
    url = reverse("pathways:stop-point-detail", args=[hph2.pk])
    # anonymous
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    # another municipality
    far_unit = UnitFactory(organisation=other_municipality, code="andrevik-hjem")
    client.force_login(make_member(far_unit, Role.PRIMARY_CONTACT, username="far"))
    assert client.get(url).status_code == 404
    assert client.post(answer_url(hph2, item(hph2, "brannsikkerhet")), {}).status_code == 404
    # another unit in the same municipality
    client.force_login(make_member(other_district, Role.PRIMARY_CONTACT, username="south"))
    assert client.get(url).status_code == 404
    # the serving unit
    client.force_login(nurse)
    response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["rows"]) == hph2.definition.items.count()
    assert ChecklistAnswer.objects.count() == 0


def test_answer_is_saved_at_once_and_row_comes_back_saved(client, nurse, hph2):
    client.force_login(nurse)
    it = item(hph2, "legemiddelliste")
    response = client.post(
        answer_url(hph2, it), {value_key(it): "yes", "answer_revision": 0}, headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-state="saved"' in html
    assert 'hx-swap-oob="outerHTML:.js-revision"' in html
    assert 'value="1"' in html
    answer = ChecklistAnswer.objects.get()
    assert (answer.item, answer.value, answer.answered_by) == (it, True, nurse)
    hph2.refresh_from_db()
    assert hph2.revision == 1


def test_answer_without_htmx_redirects_back_to_the_item(client, nurse, hph2):
    client.force_login(nurse)
    it = item(hph2, "fallrisiko")
    response = client.post(answer_url(hph2, it), {value_key(it): "Lav", "answer_revision": 0})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{it.pk}")
    assert ChecklistAnswer.objects.get().value == "Lav"


def test_answer_for_an_item_of_another_version_is_refused(client, nurse, hph2, pathway):
    client.force_login(nurse)
    other = pathway.stop_points.get(definition__code="HPH3").definition.items.first()
    response = client.post(
        answer_url(hph2, other), {value_key(other): "yes", "answer_revision": 0}, headers=HTMX
    )
    assert response.status_code == 404
    assert ChecklistAnswer.objects.count() == 0


def test_not_relevant_needs_a_reason(client, nurse, hph2):
    client.force_login(nurse)
    it = item(hph2, "brannsikkerhet")
    response = client.post(
        answer_url(hph2, it),
        {value_key(it): "not_relevant", "answer_revision": 0},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert 'data-state="invalid"' in response.content.decode()
    assert ChecklistAnswer.objects.count() == 0
    response = client.post(
        answer_url(hph2, it),
        {
            value_key(it): "not_relevant",
            f"item-{it.pk}-not_relevant_reason": "Bor i omsorgsbolig med sprinkler",
            "answer_revision": 0,
        },
        headers=HTMX,
    )
    answer = ChecklistAnswer.objects.get()
    assert (answer.value, answer.not_relevant_reason) == (None, "Bor i omsorgsbolig med sprinkler")


def test_a_different_item_saves_the_same_item_shows_both_answers(client, nurse, hph2):
    client.force_login(nurse)
    first = item(hph2, "legemiddelliste")
    second = item(hph2, "funksjon-iplos")
    client.post(answer_url(hph2, first), {value_key(first): "yes", "answer_revision": 0})
    # a second person loaded the page before: another item saves
    response = client.post(
        answer_url(hph2, second), {value_key(second): "no", "answer_revision": 0}, headers=HTMX
    )
    assert 'data-state="saved"' in response.content.decode()
    # the same item, changed since it was loaded: both answers, nothing saved
    response = client.post(
        answer_url(hph2, first), {value_key(first): "no", "answer_revision": 0}, headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200  # htmx: the error partial, see views' docstring
    assert 'data-state="conflict"' in html
    assert re.search(r'data-testid="conflict-theirs">.*<strong>Ja</strong>', html)
    assert re.search(r'data-testid="conflict-mine">.*<strong>Nei</strong>', html)
    assert 'name="answer_revision" value="1"' in html  # "Keep mine" saves over it
    assert 'hx-trigger="submit"' in html  # no save on change until the user chooses
    assert "hx-swap-oob" not in html
    plain = client.post(answer_url(hph2, first), {value_key(first): "no", "answer_revision": 0})
    assert plain.status_code == 409
    assert dict(ChecklistAnswer.objects.values_list("item__key", "value")) == {
        "legemiddelliste": True,
        "funksjon-iplos": False,
    }
    # "Keep theirs" gets the row as stored; "Keep mine" posts with the stored revision
    kept = client.get(answer_url(hph2, first), headers=HTMX).content.decode()
    assert 'data-state="idle"' in kept
    assert 'value="yes" class="ds-input" id="id_item-' in kept
    assert "checked" in kept
    response = client.post(
        answer_url(hph2, first), {value_key(first): "no", "answer_revision": 1}, headers=HTMX
    )
    assert 'data-state="saved"' in response.content.decode()
    assert ChecklistAnswer.objects.get(item=first).value is False


def fill_required(client, stop_point):
    revision = stop_point.revision
    for key, value in [
        ("legemiddelliste", "yes"),
        ("funksjon-iplos", "yes"),
        ("fallrisiko", "Middels"),
        ("hva-er-viktig", "Å klare seg selv hjemme"),
    ]:
        it = item(stop_point, key)
        response = client.post(
            answer_url(stop_point, it),
            {value_key(it): value, "answer_revision": 0},
            headers=HTMX,
        )
        assert 'data-state="saved"' in response.content.decode(), key
        revision += 1
    return revision


def test_completion_enforces_required_items_then_signs(client, nurse, hph2):
    client.force_login(nurse)
    url = reverse("pathways:stop-point-complete", args=[hph2.pk])
    response = client.post(url, {"expected_revision": 0})
    assert response.status_code == 400
    assert response.context["action_error"]
    hph2.refresh_from_db()
    assert hph2.completed_at is None
    revision = fill_required(client, hph2)
    response = client.post(url, {"expected_revision": revision})
    assert response.status_code == 302
    hph2.refresh_from_db()
    assert hph2.completed_by == nurse
    assert hph2.completed_at is not None
    page = client.get(reverse("pathways:stop-point-detail", args=[hph2.pk]))
    assert page.context["readonly"] is True
    assert 'data-testid="signed"' in page.content.decode()


def test_reopen_needs_a_reason(client, nurse, hph2):
    client.force_login(nurse)
    revision = fill_required(client, hph2)
    client.post(
        reverse("pathways:stop-point-complete", args=[hph2.pk]), {"expected_revision": revision}
    )
    url = reverse("pathways:stop-point-reopen", args=[hph2.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    hph2.refresh_from_db()
    assert hph2.completed_at is not None
    response = client.post(url, {"reason": "Feil i legemiddellisten"})
    assert response.status_code == 302
    hph2.refresh_from_db()
    assert hph2.completed_at is None


def test_stop_point_not_relevant_needs_a_reason(client, nurse, hph2):
    client.force_login(nurse)
    url = reverse("pathways:stop-point-not-relevant", args=[hph2.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    hph2.refresh_from_db()
    assert hph2.not_relevant_at is None
    assert client.post(url, {"reason": "Flyttet til sykehjem"}).status_code == 302
    hph2.refresh_from_db()
    assert hph2.not_relevant_reason == "Flyttet til sykehjem"


# --------------------------------------------------------------------------------------------
# Chain, patient summary, events
# --------------------------------------------------------------------------------------------


def test_chain_page_draws_lanes_with_status_in_words(client, nurse, pathway, hph2):
    client.force_login(nurse)
    response = client.get(reverse("pathways:pathway-detail", args=[pathway.pk]))
    assert response.status_code == 200
    lanes = [lane.actor for lane in response.context["chain"].lanes]
    assert lanes[:2] == ["allocation_office", "gp"]
    html = response.content.decode()
    assert 'data-testid="lane-home_care"' in html
    assert "status--overdue" in html
    assert 'data-testid="care-plan"' in html


def test_chain_links_to_the_previous_pathway(client, nurse, patient, district, start_hph):
    client.force_login(nurse)
    first = start_hph(patient, district, nurse, days_ago=20)
    second = start_hph(patient, district, nurse, days_ago=1, arrived_home_at=None, previous=first)
    response = client.get(reverse("pathways:pathway-detail", args=[second.pk]))
    assert f'href="{reverse("pathways:pathway-detail", args=[first.pk])}"' in (
        response.content.decode()
    )


def test_patient_summary_loads_into_the_patient_page(client, nurse, patient, pathway):
    client.force_login(nurse)
    page = client.get(reverse("patients:detail", args=[patient.pk]))
    summary_url = reverse("pathways:patient-pathways", args=[patient.pk])
    assert f'hx-get="{summary_url}"' in page.content.decode()
    response = client.get(summary_url, headers=HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="ds-card pathway-summary"')
    assert reverse("pathways:pathway-start", args=[patient.pk]) in html
    assert 'data-testid="event-fall"' in html


def test_event_recorded_in_seconds(client, nurse, patient, pathway):
    client.force_login(nurse)
    url = reverse("pathways:event-record", args=[patient.pk])
    page = client.get(url, {"kind": "fall"})
    assert page.status_code == 200
    assert page.context["form"]["kind"].value() == "fall"
    occurred = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"kind": "fall", "occurred_at": occurred, "note": "På badet"})
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:detail", args=[patient.pk])
    event = PathwayEvent.objects.get()
    assert (event.kind, event.recorded_by, event.note) == ("fall", nurse, "På badet")
    assert pathway.stop_points.filter(definition__code="HPH4").exists()


def test_admission_needs_a_ward_and_bad_next_is_ignored(client, nurse, patient, pathway):
    client.force_login(nurse)
    url = reverse("pathways:event-record", args=[patient.pk])
    occurred = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"kind": "admission", "occurred_at": occurred})
    assert response.status_code == 400
    assert PathwayEvent.objects.count() == 0
    hospital = Organisation.objects.create(
        kind=Organisation.Kind.HOSPITAL_TRUST,
        name="St. Olav",
        code="stolav",
        org_number="883974832",
    )
    ward = UnitFactory(organisation=hospital, kind="hospital_ward", code="stolav-med")
    response = client.post(
        url,
        {
            "kind": "admission",
            "occurred_at": occurred,
            "ward": ward.pk,
            "next": "https://evil.example/",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("patients:detail", args=[patient.pk])
    assert PathwayEvent.objects.get().kind == "admission"


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


def test_views_write_audit_rows(client, nurse, hph2):
    client.force_login(nurse)
    before = AuditEvent.objects.count()
    client.get(reverse("pathways:stop-point-detail", args=[hph2.pk]))
    assert AuditEvent.objects.filter(verb="checklist.viewed").count() == 1
    assert AuditEvent.objects.count() == before + 1


def test_one_viewed_checklist_row_per_visit_not_one_per_answer(
    client, nurse, hph2, district, make_member
):
    # given the nurse opens HPH2's checklist once
    client.force_login(nurse)
    assert client.get(reverse("pathways:stop-point-detail", args=[hph2.pk])).status_code == 200
    # when she answers three items on the page (htmx, one request each)
    three = list(hph2.definition.items.filter(kind=ChecklistItem.Kind.YES_NO)[:3])
    assert len(three) == 3
    for n, it in enumerate(three):
        response = client.post(
            answer_url(hph2, it), {value_key(it): "yes", "answer_revision": 0}, headers=HTMX
        )
        assert response.status_code == 200, it.key
        assert ChecklistAnswer.objects.count() == n + 1
    # then the log has one visit and three answers (it had four "viewed" rows before)
    viewed = AuditEvent.objects.filter(verb="checklist.viewed", patient_id=hph2.pathway.patient_id)
    answered = AuditEvent.objects.filter(verb="checklist.answered")
    assert (viewed.count(), answered.count()) == (1, 3)
    # and someone without a service need is still refused and logged, nothing saved
    outsider = make_member(
        UnitFactory(organisation=Organisation.objects.create(name="Fjernvik", code="fjernvik")),
        Role.PRIMARY_CONTACT,
        username="outsider",
    )
    client.force_login(outsider)
    it = three[0]
    response = client.post(answer_url(hph2, it), {value_key(it): "no", "answer_revision": 1})
    assert response.status_code == 404
    assert AuditEvent.objects.filter(verb="patient.access_refused", actor=outsider).count() == 1
    assert ChecklistAnswer.objects.get(item=it).value is True
