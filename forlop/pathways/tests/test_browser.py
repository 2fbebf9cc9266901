"""Real Chromium on a tablet viewport: the nurse fills HPH2, the leader sees adherence change.

The interface runs in Norwegian, so elements are found by id, data-testid, role or href.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from forlop.pathways import services
from forlop.pathways.models import ChecklistAnswer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("correct-horse-battery")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()


def watch_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    # The console says only "Failed to load resource"; name what failed.
    page.on(
        "response",
        lambda response: (
            errors.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    return errors


def row(page: Page, key: str):
    return page.locator(f'form[data-key="{key}"]')


def test_nurse_fills_hph2_reloads_half_way_and_completes(
    live_server, page: Page, nurse, district, patient, start_hph
):
    pathway = start_hph(patient, district, nurse, days_ago=5)
    hph2 = pathway.stop_points.get(definition__code="HPH2")
    errors = watch_errors(page)
    # given the nurse opens her work list: HPH2 is overdue
    log_in(page, live_server.url, "nurse")
    page.locator('[data-testid="nav-worklist"]').click()
    overdue = page.locator('[data-testid="worklist-overdue"]')
    expect(overdue.locator('[data-code="HPH2"]')).to_have_count(1)
    expect(page.locator('[data-testid="nav-overdue"]')).to_be_visible()
    # when she opens the checklist and answers two items with one tap each
    overdue.locator('[data-code="HPH2"] [data-testid="open-checklist"]').click()
    expect(page).to_have_url(f"{live_server.url}/pathways/stop-points/{hph2.pk}/")
    row(page, "legemiddelliste").locator('[data-testid="answer-yes"]').click()
    expect(row(page, "legemiddelliste")).to_have_attribute("data-state", "saved")
    row(page, "funksjon-iplos").locator('[data-testid="answer-yes"]').click()
    expect(row(page, "funksjon-iplos")).to_have_attribute("data-state", "saved")
    assert ChecklistAnswer.objects.filter(stop_point=hph2).count() == 2
    # and the page is reloaded half-way (the tablet lost the page)
    page.reload()
    # then the answers are kept
    expect(row(page, "legemiddelliste").locator('input[value="yes"]')).to_be_checked()
    expect(row(page, "funksjon-iplos").locator('input[value="yes"]')).to_be_checked()
    # when she answers the rest of the required items, one after another
    row(page, "fallrisiko").locator('[data-testid="answer-middels"]').click()
    expect(row(page, "fallrisiko")).to_have_attribute("data-state", "saved")
    row(page, "hva-er-viktig").locator("textarea").fill("Å klare å gå tur med hunden")
    row(page, "hva-er-viktig").locator("textarea").blur()
    expect(row(page, "hva-er-viktig")).to_have_attribute("data-state", "saved")
    # a "not relevant" answer asks for the reason
    row(page, "brannsikkerhet").locator('[data-testid="answer-not_relevant"]').click()
    expect(row(page, "brannsikkerhet")).to_have_attribute("data-state", "invalid")
    reason = row(page, "brannsikkerhet").locator('input[name$="not_relevant_reason"]')
    expect(reason).to_be_visible()
    reason.fill("Bor i omsorgsbolig med sprinkleranlegg")
    reason.blur()
    expect(row(page, "brannsikkerhet")).to_have_attribute("data-state", "saved")
    # and signs the checklist
    page.locator('[data-testid="complete-button"]').click()
    expect(page.locator('[data-testid="signed"]')).to_be_visible()
    expect(page.locator('[data-testid="stop-point-status"]')).to_have_attribute(
        "data-status", "done_late"
    )
    hph2.refresh_from_db()
    assert hph2.completed_by == nurse
    # then HPH2 has left the overdue list
    page.locator('[data-testid="nav-worklist"]').click()
    expect(page.locator('[data-testid="worklist-overdue"] [data-code="HPH2"]')).to_have_count(0)
    assert errors == []


def test_leader_sees_the_on_time_share_change(
    live_server, page: Page, nurse, leader, district, patient, start_hph
):
    pathway = start_hph(patient, district, nurse, days_ago=1)
    hph2 = pathway.stop_points.get(definition__code="HPH2")
    errors = watch_errors(page)
    today = timezone.localdate()
    # given the leader chooses a period that covers this week's deadlines
    log_in(page, live_server.url, "leader")
    page.locator('[data-testid="nav-leader"]').click()
    page.locator("#id_date_from").fill((today - timedelta(days=7)).isoformat())
    page.locator("#id_date_to").fill((today + timedelta(days=7)).isoformat())
    page.locator('[data-testid="period-form"] button[type=submit]').click()
    unit_share = page.locator(
        f'[data-testid="adherence-unit"] [data-key="{district.pk}"] [data-testid="share-on-time"]'
    )
    expect(unit_share).to_have_text("0 %")
    # (SQLite in memory is shared with the live server: write only when the page is idle)
    page.wait_for_load_state("networkidle")
    # when the nurse completes HPH2 on time
    revision = hph2.revision
    for key, value in [
        ("legemiddelliste", True),
        ("funksjon-iplos", True),
        ("fallrisiko", "Lav"),
        ("hva-er-viktig", "Å bo hjemme"),
    ]:
        services.checklist_answer_save(
            actor=nurse,
            stop_point=hph2,
            item_id=hph2.definition.items.get(key=key).pk,
            value=value,
            expected_revision=revision,
        )
        revision += 1
    services.stop_point_complete(actor=nurse, stop_point=hph2, expected_revision=revision)
    # then the leader sees the share of stop points done on time go up
    page.reload()
    expect(unit_share).to_have_text("33 %")
    hph2_share = page.locator(
        '[data-testid="adherence-definition"] [data-key="HPH2"] [data-testid="share-on-time"]'
    )
    expect(hph2_share).to_have_text("100 %")
    assert errors == []
