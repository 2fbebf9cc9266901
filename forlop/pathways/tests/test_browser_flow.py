"""Real Chromium: the allocation office registers a patient, starts HPH with the live preview,
and a fall recorded from the patient page opens HPH4 in the collaboration chain."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from forlop.core.identifiers import generate_synthetic
from forlop.core.models import AuditEvent, AuditVerb, Role
from forlop.pathways.models import Pathway, PathwayEvent, StopPoint
from forlop.patients.models import Patient

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_start_hph_and_record_a_fall(
    live_server, page: Page, district, make_member, hph_version
):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    make_member(district, Role.ALLOCATION_OFFICE, username="tildeler")
    number = generate_synthetic(date(1941, 3, 9), rng=random.Random(41))
    # given the allocation office is logged in
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "tildeler")
    page.fill("#id_password", "correct-horse-battery")
    with page.expect_navigation():
        page.press("#id_password", "Enter")
    # when it registers a patient
    page.goto(f"{live_server.url}/patients/new/")
    page.fill("#id_given_name", "Ragnhild")
    page.fill("#id_family_name", "Flyttesen")
    page.fill("#id_identity_number", number)
    page.fill("#id_address", "Havnegata 3")
    with page.expect_navigation():
        page.get_by_role("button", name="Registrer", exact=True).click()
    patient = Patient.objects.get(family_name="Flyttesen")
    assert page.url.endswith(f"/patients/{patient.pk}/")
    assert number not in page.url
    # and starts HPH for a discharge today, watching the preview
    page.get_by_test_id("start-pathway").click()
    page.select_option("#id_version", value=str(hph_version.pk))
    page.select_option("#id_start_reason", value="discharge")
    # Times before now, whatever the hour: fixed hours "today" were in the future just after
    # midnight, and the form rightly refused them (seen at 00:03).
    home = timezone.localtime().replace(second=0, microsecond=0) - timedelta(hours=1)
    discharged = home - timedelta(hours=3)
    page.fill("#id_discharged_at", f"{discharged:%Y-%m-%dT%H:%M}")
    page.fill("#id_arrived_home_at", f"{home:%Y-%m-%dT%H:%M}")
    page.locator("#id_arrived_home_at").dispatch_event("change")
    hph2 = page.locator('[data-testid="preview-row"][data-code="HPH2"]')
    expect(hph2).to_be_visible()
    expect(hph2.locator("time")).to_have_attribute(
        "datetime", f"{home.date() + timedelta(days=3):%Y-%m-%d}"
    )
    assert not Pathway.objects.exists()  # the preview saves nothing
    with page.expect_navigation():
        page.get_by_test_id("start-submit").click()
    pathway = Pathway.objects.get(patient=patient)
    expect(page).to_have_url(re.compile(rf"/pathways/{pathway.pk}/$"))
    # then a fall recorded from the patient page opens HPH4 in the chain
    page.goto(f"{live_server.url}/patients/{patient.pk}/")
    page.get_by_test_id("event-fall").click()
    with page.expect_navigation():
        page.get_by_test_id("event-submit").click()
    assert PathwayEvent.objects.filter(patient=patient, kind="fall").count() == 1
    assert StopPoint.objects.filter(pathway=pathway, definition__code="HPH4").count() == 1
    page.goto(f"{live_server.url}/pathways/{pathway.pk}/")
    expect(page.get_by_role("link", name=re.compile(r"^HPH4"))).to_be_visible()
    assert (
        AuditEvent.objects.filter(verb=AuditVerb.EVENT_RECORDED, patient_id=patient.pk).count() == 1
    )
    assert errors == []
