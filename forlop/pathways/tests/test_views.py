"""Pathway pages through the client: work lists, start, chain, events, audit rows.

The checklist pages are in ``test_views_checklist``, the leaders' view in ``test_views_leaders``;
the ``pathway`` and ``hph2`` fixtures in this folder's conftest."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.cache import caches
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
)
from forlop.pathways.tests.helpers import answer_url, value_key
from forlop.patients.tests.factories import PatientFactory, PatientServiceFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


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
    # Counted with the goals headers' cache empty, as after a change to every patient's goals.
    caches["panels"].clear()
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("pathways:worklist"))
    assert len({i.patient.pk for i in response.context["sections"][0].items}) == 3
    with CaptureQueriesContext(connection) as cached:
        client.get(reverse("pathways:worklist"))
    add_patients(27)
    caches["panels"].clear()
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("pathways:worklist"))
    # the section counts all 60 (two overdue stop points for each of the 30 patients); the
    # page shows the first 25 of them (paging, issue 16)
    assert response.context["sections"][0].total == 60
    assert len(response.context["sections"][0].items) == 25
    assert "Klare trappen selv" in response.content.decode()
    # the goals headers on the cards are loaded in one batch, so every query is counted
    assert len(many.captured_queries) == len(few.captured_queries)
    # and read again from the cache: the batch's three queries (goals, suggestions, scores) go
    assert len(cached.captured_queries) == len(few.captured_queries) - 3


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
