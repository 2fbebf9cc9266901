"""Real Chromium: an administrator copies the national HPH template, changes a deadline in a
draft, publishes, makes a second version and reads the difference between the two."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from forlop.core.models import AuditEvent, Role, Unit
from forlop.core.tests.factories import UnitFactory
from forlop.pathways.models import PathwayTemplate, StopPointDefinition, TemplateVersion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def set_hph2_days(page: Page, version: TemplateVersion, days: int) -> None:
    definition = StopPointDefinition.objects.get(version=version, code="HPH2")
    card = page.locator(f"#definition-{definition.pk}")
    card.get_by_text("Rediger stoppunkt", exact=True).click()
    page.fill(f"#id_d{definition.pk}-deadline_amount", str(days))
    card.get_by_role("button", name="Lagre stoppunkt").click()
    expect(page.locator(f"#definition-{definition.pk}").get_by_role("status")).to_be_visible()
    definition.refresh_from_db()
    assert definition.deadline_amount == days


def publish(page: Page, notes: str) -> None:
    page.fill("#id_notes", notes)
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^Publiser versjon")).click()


def test_copy_adapt_publish_and_compare(
    live_server, page: Page, municipality, make_member, hph_version
):
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    office = UnitFactory(
        organisation=municipality, kind=Unit.Kind.ADMINISTRATION, code="testvik-stab"
    )
    make_member(office, Role.ADMINISTRATOR, username="it")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "it")
    page.fill("#id_password", "correct-horse-battery")
    with page.expect_navigation():
        page.press("#id_password", "Enter")
    # given the national HPH template, reached from the menu
    page.get_by_test_id("nav-templates").click()
    page.get_by_role("link", name=re.compile(r"Helhetlig pasientforløp i hjemmet")).first.click()
    # when the municipality copies it
    page.get_by_role("link", name="Kopier", exact=True).click()
    page.fill("#id_name", "HPH i Testvik")
    page.fill("#id_code", "hph-testvik")
    with page.expect_navigation():
        page.get_by_role("button", name="Kopier", exact=True).click()
    copy = PathwayTemplate.objects.get(code="hph-testvik")
    v1 = copy.versions.get()
    assert v1.status == TemplateVersion.Status.DRAFT
    # adapts HPH2 to 2 days in the draft, and publishes it
    set_hph2_days(page, v1, 2)
    publish(page, "Kortere frist for HPH2")
    v1.refresh_from_db()
    assert v1.status == TemplateVersion.Status.PUBLISHED
    # makes version 2 with 1 day, publishes it
    with page.expect_navigation():
        page.get_by_role("button", name="Ny utkastversjon").click()
    v2 = copy.versions.get(number=2)
    set_hph2_days(page, v2, 1)
    publish(page, "Enda kortere")
    # then the difference page names the changed deadline
    page.goto(f"{live_server.url}/pathway-templates/{copy.pk}/diff/?old=1&new=2")
    body = page.locator("main")
    expect(body).to_contain_text("HPH2")
    change = page.locator("tr", has=page.locator("code", has_text="deadline_amount"))
    expect(change.locator("td").nth(1)).to_have_text("2")
    expect(change.locator("td").nth(2)).to_have_text("1")
    # and the published first version did not change
    assert StopPointDefinition.objects.get(version=v1, code="HPH2").deadline_amount == 2
    assert AuditEvent.objects.filter(verb="template.version_published").count() == 2
    assert errors == []
