"""Real Chromium through Playwright: the model for improvement in daily use. A team sets an
aim on "HPH2 within 3 days", builds a driver diagram with two change ideas, runs a PDSA cycle
whose annotation appears on the chart, and adopts the change; the unit's huddle board shows
the overdue count and updates when a stop point is completed in another tab."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from forlop.improvement import services
from forlop.improvement.models import ChangeIdea, Network, PdsaCycle
from forlop.measures.definitions import install_default_measures
from forlop.measures.models import Measure
from forlop.pathways import services as engine

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def test_a_team_runs_the_model_for_improvement_and_the_board_follows(
    live_server, page: Page, settings, nurse, district, patient, start_hph, coordinator_org
) -> None:
    settings.FORLOP_BOARD_REFRESH_SECONDS = 1
    install_default_measures()
    hph2_measure = Measure.objects.get(organisation=None, code="hph2-within-3-days")
    network, coordinator = coordinator_org
    team = services.team_create(
        network=network, actor=coordinator, organisation=district.organisation, name="Testvik"
    )
    services.team_member_add(
        team=team, actor=coordinator, name="Nina Nord", user=nurse, organisation=team.organisation
    )
    # Two overdue stop points on the unit's board; HPH2's required items answered already.
    pathway = start_hph(patient, district, nurse, days_ago=6)
    hph2 = pathway.stop_points.get(definition__code="HPH2")
    revision = hph2.revision
    for key, value in [
        ("legemiddelliste", True),
        ("funksjon-iplos", True),
        ("fallrisiko", "Lav"),
        ("hva-er-viktig", "Å bo hjemme"),
    ]:
        engine.checklist_answer_save(
            actor=nurse,
            stop_point=hph2,
            item_id=hph2.definition.items.get(key=key).pk,
            value=value,
            expected_revision=revision,
        )
        revision += 1
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "status of 400" not in msg.text
            else None
        ),
    )
    base = live_server.url
    page.goto(f"{base}/login/")
    page.fill("#id_username", "nurse")
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.press("#id_password", "Enter")
    today = timezone.localdate()

    # --- the aim ---------------------------------------------------------------------------
    page.goto(base + reverse("improvement:aims", args=(team.pk,)))
    form = page.locator("#aim-form")
    form.locator("#id_statement").fill("90 % får HPH2 innen 3 dager etter hjemkomst")
    form.get_by_role("button", name="Lagre målet").click()
    expect(page.get_by_text("Et mål trenger et målepunkt som følger det.")).to_be_visible()
    form = page.locator("#aim-form")
    form.locator("#id_measure").select_option(str(hph2_measure.pk))
    form.locator("#id_target").fill("90")
    form.locator("#id_target_date").fill((today + timedelta(days=150)).isoformat())
    form.get_by_role("button", name="Lagre målet").click()
    expect(page.get_by_text("Målet er lagret med målepunktet.")).to_be_visible()
    aim = team.aims.get()
    chart = page.get_by_test_id("aim-chart-hph2-within-3-days")
    expect(chart.locator(".spc-target-label")).to_contain_text("Mål 90 % innen")

    # --- the driver diagram with two change ideas ------------------------------------------
    page.get_by_role("link", name="Driverdiagram").click()
    page.locator("#driver-form #id_text").fill("Planlagt hjemkomst")
    page.locator("#driver-form").get_by_role("button", name="Legg til driveren").click()
    expect(page.get_by_text("Driveren ble lagt til.")).to_be_visible()
    for title in ("Ringe dagen før hjemkomst", "Tavlemøte hver morgen"):
        idea_form = page.locator("#diagram-idea-form")
        idea_form.locator("#id_driver").select_option(label="Planlagt hjemkomst")
        idea_form.locator("#id_title").fill(title)
        idea_form.get_by_role("button", name="Legg til endringsideen").click()
        expect(page.get_by_text("Endringsideen er i diagrammet.")).to_be_visible()
    svg = page.get_by_test_id("diagram-svg")
    listed = page.get_by_test_id("diagram-list")
    for words in ("Planlagt hjemkomst", "Ringe dagen før", "Tavlemøte hver morgen"):
        expect(svg.locator("text.dd-text", has_text=words)).to_have_count(1)
        expect(listed.locator("[data-node]", has_text=words)).to_have_count(1)

    # --- a PDSA cycle in one step, planned, done, studied and adopted ----------------------
    listed.get_by_role("link", name="Ringe dagen før hjemkomst").click()
    page.get_by_role("button", name="Gjør om til PDSA-syklus").click()
    expect(page.get_by_text("PDSA-syklusen er planlagt.")).to_be_visible()
    assert PdsaCycle.objects.count() == 1
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=3)
    cycle_form = page.locator("#cycle-form")
    cycle_form.locator("#id_starts_on").fill(last_month.isoformat())
    cycle_form.locator("#id_ends_on").fill((last_month - timedelta(days=1)).isoformat())
    cycle_form.locator("#id_prediction").fill("Pasienten er klar, og HPH2 blir gjort første dag.")
    cycle_form.get_by_role("button", name="Lagre syklusen").click()
    expect(page.get_by_text("Syklusen kan ikke slutte før den starter.")).to_be_visible()
    cycle_form = page.locator("#cycle-form")
    cycle_form.locator("#id_ends_on").fill((last_month + timedelta(days=10)).isoformat())
    cycle_form.locator("#id_done_text").fill("Ringte fem pasienter.")
    cycle_form.locator("#id_study_text").fill("Fem av fem fikk HPH2 innen tre dager.")
    cycle_form.get_by_label("Innføre").check()
    cycle_form.get_by_role("button", name="Lagre syklusen").click()
    expect(page.get_by_text("PDSA-syklusen ble lagret.")).to_be_visible()
    expect(page.get_by_test_id("cycle-stage").locator("[aria-current=step]")).to_have_text(
        "Avgjort"
    )
    note = page.get_by_test_id("cycle-chart-hph2-within-3-days").locator(".spc-annotation text")
    expect(note).to_have_text("PDSA: Ringe dagen før hjemkomst")
    idea = ChangeIdea.objects.get(title="Ringe dagen før hjemkomst")
    assert (idea.status, idea.adopted_on) == ("adopted", today)
    page.goto(base + reverse("improvement:aims", args=(team.pk,)))
    expect(chart.locator(".spc-annotation text")).to_have_text("PDSA: Ringe dagen før hjemkomst")
    page.goto(base + reverse("improvement:plans", args=(team.pk,)))
    change = page.get_by_test_id(f"change-{idea.pk}")
    expect(change).to_contain_text("Ringe dagen før hjemkomst")
    expect(change.get_by_test_id("check-6")).to_contain_text("Ikke tid for sjekk ennå")

    # --- the huddle board updates when a stop point is completed in another tab -------------
    page.get_by_test_id("nav-board").click()
    expect(page).to_have_url(base + reverse("improvement:board", args=(district.code,)))
    count = page.get_by_test_id("board-overdue-count")
    before = int(count.inner_text())
    assert before >= 2
    expect(page.get_by_test_id("board-live")).to_contain_text("Astrid Testesen")
    page.wait_for_load_state("networkidle")
    other = page.context.new_page()
    other.goto(base + reverse("pathways:stop-point-detail", args=(hph2.pk,)))
    other.get_by_test_id("complete-button").click()
    expect(other.get_by_test_id("signed")).to_be_visible()
    other.close()
    expect(count).to_have_text(str(before - 1), timeout=15_000)
    assert errors == []
    assert aim.drivers.count() == 1


@pytest.fixture
def coordinator_org(make_member) -> tuple[Network, object]:
    from forlop.core.models import Organisation, Role, Unit

    usht = Organisation.objects.create(
        kind=Organisation.Kind.COORDINATION, name="USHT", code="usht", org_number="974633752"
    )
    office = Unit.objects.create(
        organisation=usht, kind=Unit.Kind.ADMINISTRATION, name="Kontor", code="usht-kontor"
    )
    coordinator = make_member(office, Role.NETWORK_COORDINATOR, username="coord")
    today = timezone.localdate()
    network = Network.objects.create(
        name="Læringsnettverk Testfold",
        code="testfold",
        coordinator=usht,
        starts_on=today - timedelta(days=90),
        ends_on=today + timedelta(days=500),
    )
    return network, coordinator
