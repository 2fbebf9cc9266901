"""Real Chromium through Playwright: a team walks from the preparation to gathering 2 — the
phase's tasks, five interview notes (one warned about and fixed), an aim linked to a measure,
the status report submitted before its deadline, and the poster PDF downloaded, its text
read back and its first page rendered to PNG (pdftoppm)."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from forlop.core.models import Organisation, Role, Unit, User
from forlop.improvement import services
from forlop.improvement.models import InterviewNote, StatusReport, Team
from forlop.measures.definitions import install_default_measures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OSLO = ZoneInfo("Europe/Oslo")
PASSWORD = "Testvik-passord-2026"
INTERVIEWS = (
    ("Kom samme dag som hjemkomst.", "Ingen visste hvilke medisiner som var endret."),
    ("Trygt å kjenne primærkontakten.", "Fastlegetimen ble ikke avtalt."),
    ("Fysioterapeuten kom raskt.", "Ble ikke spurt om hva som var viktig."),
    ("God informasjon fra sykehuset.", "Ingen oppfølging etter fire uker."),
    ("Kjente igjen de som kom.", "Tre ulike personer på en dag."),
)


def log_in(page: Page, base: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.get_by_label("Brukernavn").fill("frida")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    expect(page.get_by_test_id("user-menu")).to_contain_text("Frida Fjeld")


@pytest.fixture
def walk_team(db: None) -> Team:
    install_default_measures()
    municipality = Organisation.objects.create(
        kind="municipality", name="Testvik kommune", code="testvik", org_number="974760673"
    )
    usht = Organisation.objects.create(
        kind="coordination", name="USHT Testfold", code="usht", org_number="974633752"
    )
    office = Unit.objects.create(organisation=usht, kind="administration", name="Kontor", code="k")
    staff = Unit.objects.create(
        organisation=municipality, kind="administration", name="Stab", code="s"
    )
    coordinator = User.objects.create_user("coord", password=PASSWORD, first_name="Knut")
    coordinator.memberships.create(unit=office, role=Role.NETWORK_COORDINATOR)
    frida = User.objects.create_user(
        "frida", password=PASSWORD, first_name="Frida", last_name="Fjeld"
    )
    frida.memberships.create(unit=staff, role=Role.IMPROVEMENT_MEMBER)
    from forlop.improvement.models import Network

    network = Network.objects.create(
        name="Læringsnettverk Testfold",
        code="testfold",
        coordinator=usht,
        starts_on=date(2025, 10, 20),
        ends_on=date(2027, 7, 20),
    )
    services.network_plan_gatherings(
        network=network, actor=coordinator, first_gathering=date(2026, 1, 20), place="Tønsberg"
    )
    team = services.team_create(
        network=network, actor=coordinator, organisation=municipality, name="Testvik kommune"
    )
    services.team_member_add(
        team=team,
        actor=coordinator,
        name="Frida Fjeld",
        user=frida,
        organisation=municipality,
        is_leader=True,
    )
    return team


def test_a_team_walks_from_preparation_to_gathering_2(
    live_server, page: Page, walk_team: Team, tmp_path: Path
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # A form answered with 400 (the interview warning) is logged by Chromium; nothing else may be.
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "status of 400" not in msg.text
            else None
        ),
    )
    base = live_server.url
    team_url = base + reverse("improvement:team", args=(walk_team.pk,))

    # --- the preparation: the tasks and five interview notes -------------------------------
    with time_machine.travel(datetime(2025, 11, 10, 10, tzinfo=OSLO), tick=True):
        log_in(page, base)
        page.goto(team_url)
        expect(page.locator("#team-phase")).to_have_text("Forberedelse")
        task = page.get_by_test_id("task-prep-team")
        expect(task).to_contain_text("Etablere forbedringsteam")
        expect(task).to_contain_text("Frist tirsdag 18. november 2025")
        task.get_by_role("button", name="Merk som gjort").click()
        expect(page.get_by_text("Oppgaven er merket som gjort.")).to_be_visible()
        expect(page.get_by_test_id("task-prep-team")).to_contain_text("Utført")

        page.goto(base + reverse("improvement:interviews", args=(walk_team.pk,)))
        for number, (well, badly) in enumerate(INTERVIEWS, start=1):
            page.get_by_test_id(f"interview-{number}").get_by_role("link").click()
            page.get_by_label("Det som fungerer godt").fill(well)
            page.get_by_label("Det som ikke fungerer").fill(
                badly + (" Kari sa det samme." if number == 3 else "")
            )
            page.get_by_role("button", name="Lagre intervjuet").click()
            if number == 3:
                # warned: a name; nothing saved until it is removed (or confirmed)
                expect(page.locator("#identity-warning")).to_contain_text(
                    "Noe som ser ut som et navn: Kari"
                )
                assert InterviewNote.objects.filter(team=walk_team).count() == 2
                page.get_by_label("Det som ikke fungerer").fill(badly)
                page.get_by_role("button", name="Lagre intervjuet").click()
            expect(page.get_by_text(f"Intervju {number} er lagret.")).to_be_visible()
        expect(page.get_by_role("heading", name="Intervjunotater (5 av 5)")).to_be_visible()
        page.get_by_role("textbox", name="Dette lærte vi av intervjuene").fill(
            "Informasjon om medisiner svikter."
        )
        page.get_by_role("button", name="Lagre oppsummeringen").click()
        page.get_by_role("textbox", name="Forbedringsområde", exact=True).fill(
            "Legemiddelinformasjon ved utskrivning"
        )
        page.get_by_role("button", name="Legg til forbedringsområdet").click()
        expect(page.locator("#areas")).to_contain_text("Legemiddelinformasjon ved utskrivning")
        page.goto(team_url)
        expect(page.get_by_test_id("task-prep-interviews")).to_contain_text("Utført")

    # --- between gatherings 1 and 2: an aim linked to a measure ------------------------------
    with time_machine.travel(datetime(2026, 2, 10, 10, tzinfo=OSLO), tick=True):
        log_in(page, base)
        page.goto(team_url)
        expect(page.locator("#team-phase")).to_have_text("Mellom samling 1 og 2")
        page.goto(base + reverse("improvement:aims", args=(walk_team.pk,)))
        page.locator("#id_statement").fill("90 % får strukturert oppfølging innen tre dager")
        page.locator("#id_measure").select_option(label="Sykepleiervurdering (HPH2) innen 3 dager")
        page.get_by_label("Målverdi").fill("90")
        page.get_by_label("Måldato").fill("2026-10-01")
        page.get_by_role("button", name="Lagre målet").click()
        expect(page.get_by_text("Målet er lagret med målepunktet.")).to_be_visible()
        aim = page.locator("#aims article").first
        expect(aim).to_contain_text("90 % får strukturert oppfølging innen tre dager")
        expect(aim.locator("svg.spc-chart")).to_be_visible()

    # --- the status report for gathering 2, submitted before its deadline (13 April) --------
    with time_machine.travel(datetime(2026, 4, 8, 10, tzinfo=OSLO), tick=True):
        log_in(page, base)
        page.goto(team_url)
        report_row = page.get_by_test_id("report-row-2")
        expect(report_row).to_contain_text("Frist snart")
        report_row.get_by_role("link", name="Rapport").click()
        expect(page.locator("#report-due")).to_contain_text("Frist mandag 13. april 2026")
        page.get_by_role("button", name="Start rapporten").click()
        drafted = page.get_by_label("Mål og målinger")
        expect(drafted).to_contain_text("90 % får strukturert oppfølging innen tre dager")
        expect(page.get_by_label("Dette har vi gjort siden forrige samling")).to_contain_text(
            "Utarbeide mål (10. februar 2026)"
        )
        page.get_by_label("Veien videre").fill("Teste planlegging av HPH2 før hjemreise.")
        page.get_by_role("button", name="Send inn rapporten").click()
        expect(page.get_by_text("Statusrapporten er sendt inn.")).to_be_visible()
        expect(page.locator("#report-locked")).to_be_visible()
        expect(page.locator("#report-form")).to_have_count(0)
        report = StatusReport.objects.get(team=walk_team, gathering__number=2)
        assert (report.state, report.versions.get().late) == ("submitted", False)

        # --- the poster for gathering 2 ------------------------------------------------------
        page.goto(base + reverse("improvement:poster", args=(walk_team.pk, report.gathering_id)))
        page.get_by_role("textbox", name="Overskrift").fill("Trygg hjemkomst")
        page.get_by_role("button", name="Lagre posteren").click()
        expect(page.get_by_text("Posteren er lagret.")).to_be_visible()
        with page.expect_download() as info:
            page.locator("#poster-a4").click()
        download = info.value
        assert download.suggested_filename == "plakat-testvik-kommune-samling-2-a4.pdf"
        pdf = tmp_path / download.suggested_filename
        download.save_as(pdf)

    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    text = reader.pages[0].extract_text()
    for expected in (
        "Testvik kommune",
        "Trygg hjemkomst",
        "Frida Fjeld",
        "Samling 2, 20. april 2026",
        "Siden forrige samling",
        "90 % får strukturert oppfølging innen tre dager",
        "Teste planlegging av HPH2 før hjemreise.",
    ):
        assert expected in text, expected
    assert (
        round(float(reader.pages[0].mediabox.width)),
        round(float(reader.pages[0].mediabox.height)),
    ) == (595, 842)
    # the first page rendered to PNG (poppler's pdftoppm), as a person would look at it
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm (Debian poppler-utils) is needed: make system-deps"
    subprocess.run(  # noqa: S603 - our own tool path and our own file
        [
            pdftoppm,
            "-png",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf),
            str(tmp_path / "poster"),
        ],
        check=True,
    )
    image = (tmp_path / "poster.png").read_bytes()
    assert image[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    with Image.open(io.BytesIO(image)) as png:
        assert png.size == (414, 585)  # A4 (210 × 297 mm) at 50 dpi
        assert png.getcolors(maxcolors=1 << 16) is None or len(png.getcolors(maxcolors=1 << 16)) > 2
    assert errors == []
