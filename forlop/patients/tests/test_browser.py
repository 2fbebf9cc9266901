"""Real Chromium through Playwright: log in, open a patient, see the visit in the audit log."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from forlop.core.models import AuditEvent, AuditVerb

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill("correct-horse-battery")
    page.get_by_role("button", name="Logg inn").click()


def test_nurse_opens_patient_and_leader_sees_the_visit(
    live_server, page: Page, nurse, leader, patient
):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    # given the nurse logs in and sees her patient in the list
    log_in(page, live_server.url, "nurse")
    # (she lands on her work list; the patients are one tap away)
    page.get_by_role("navigation").get_by_role("link", name="Pasienter").click()
    expect(page.get_by_role("heading", name="Mine pasienter")).to_be_visible()
    # when she opens the patient
    page.get_by_role("link", name="Astrid Testesen").click()
    expect(page.get_by_role("heading", name="Astrid Testesen")).to_be_visible()
    assert re.search(r"/patients/\d+/$", page.url)
    assert patient.identity_number not in page.url
    page.get_by_test_id("user-menu").locator("summary").click()
    page.get_by_role("button", name="Logg ut").click()
    expect(page).to_have_url(re.compile(r"/login/"))
    # then the leader finds the visit in the audit log
    log_in(page, live_server.url, "leader")
    page.get_by_test_id("nav-more").locator("summary").click()
    page.get_by_role("link", name="Logg", exact=True).click()
    rows = page.locator("#audit-rows tbody tr")
    expect(rows.filter(has_text="Nina Nord").filter(has_text="Så pasienten").first).to_be_visible()
    assert AuditEvent.objects.filter(
        actor=nurse, verb=AuditVerb.PATIENT_VIEWED, patient_id=patient.pk
    ).exists()
    assert errors == []
