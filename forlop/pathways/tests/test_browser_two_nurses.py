"""Real Chromium, two nurses on one checklist at once (two browser contexts): conflicts are per
item, the same item changed by the other shows both values and asks which to keep, typed text
survives a failed save, and leaving with unsaved text warns first."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from forlop.core.models import Role
from forlop.pathways.models import ChecklistAnswer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _open(browser: Browser, base: str, username: str, path: str) -> tuple[Page, list[str]]:
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="nb-NO")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "correct-horse-battery")
    with page.expect_navigation():
        page.press("#id_password", "Enter")
    page.goto(f"{base}{path}")
    return page, errors


def _row(page: Page, key: str):
    return page.locator(f'form[data-key="{key}"]')


def test_two_nurses_fill_one_checklist(
    live_server, browser: Browser, nurse, district, patient, make_member, start_hph
):
    colleague = make_member(district, Role.PRIMARY_CONTACT, username="colleague")
    hph2 = start_hph(patient, district, nurse).stop_points.get(definition__code="HPH2")
    path = f"/pathways/stop-points/{hph2.pk}/"
    # given both nurses have the checklist open
    mine, my_errors = _open(browser, live_server.url, "nurse", path)
    theirs, their_errors = _open(browser, live_server.url, "colleague", path)

    # when each answers a different item, both are saved
    _row(mine, "legemiddelliste").get_by_test_id("answer-yes").click()
    expect(_row(mine, "legemiddelliste")).to_have_attribute("data-state", "saved")
    _row(theirs, "funksjon-iplos").get_by_test_id("answer-yes").click()
    expect(_row(theirs, "funksjon-iplos")).to_have_attribute("data-state", "saved")
    weight = _row(mine, "ernaering-vekt").locator("input[name$=-value]")
    weight.fill("71,5")
    weight.blur()
    expect(_row(mine, "ernaering-vekt")).to_have_attribute("data-state", "saved")
    expect(weight).to_have_value("71,5")
    theirs.wait_for_load_state("networkidle")
    health = _row(theirs, "helsetilstand").locator("input[name$=-value]")
    health.fill("Hoste om natten")
    health.blur()
    expect(_row(theirs, "helsetilstand")).to_have_attribute("data-state", "saved")

    # when she changes the item the colleague changed since she loaded it
    my_health = _row(mine, "helsetilstand")
    my_health.locator("input[name$=-value]").fill("Feber i går")
    my_health.locator("input[name$=-value]").blur()
    # then the row shows both values, keeps what she typed, and asks which to keep
    expect(my_health).to_have_attribute("data-state", "conflict")
    expect(my_health.get_by_test_id("conflict-theirs")).to_contain_text("Hoste om natten")
    expect(my_health.get_by_test_id("conflict-theirs")).to_contain_text(str(colleague))
    expect(my_health.locator("input[name$=-value]")).to_have_value("Feber i går")
    assert ChecklistAnswer.objects.get(item__key="helsetilstand").value == "Hoste om natten"
    my_health.get_by_test_id("keep-mine").click()
    expect(my_health).to_have_attribute("data-state", "saved")
    assert ChecklistAnswer.objects.get(item__key="helsetilstand").value == "Feber i går"
    stored = {a.item.key: a.value for a in ChecklistAnswer.objects.select_related("item")}
    assert stored == {
        "legemiddelliste": True,
        "funksjon-iplos": True,
        "ernaering-vekt": 71.5,
        "helsetilstand": "Feber i går",
    }

    # when the colleague types without saving and leaves the page
    pain = _row(theirs, "smerte").locator("input[name$=-value]")
    pain.fill("Vondt i kneet")
    warned: list[str] = []

    def stay(dialog) -> None:
        warned.append(dialog.type)
        dialog.dismiss()

    theirs.on("dialog", stay)
    theirs.get_by_role("link", name="Arbeidsliste", exact=True).first.click()
    # then she is warned and stays, with her text
    theirs.wait_for_timeout(300)
    assert warned == ["beforeunload"]
    assert theirs.url.endswith(path)
    expect(pain).to_have_value("Vondt i kneet")
    assert my_errors == []
    assert their_errors == []
