"""Real Chromium through Playwright: a leader opens the measures dashboard on demo data, sees
the HPH2-within-3-days run chart with its shift in words (Norwegian), adds an annotation
through the page, sees its marker on the chart and downloads the Excel file."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from forlop.demo.loader import DEMO_PASSWORD
from forlop.demo.testing import demo_load
from forlop.measures import registry
from forlop.measures.models import Measure
from forlop.measures.rollup import rollup_rebuild, rollup_window
from forlop.measures.selectors import scope_get_by_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = "hph2-within-3-days"


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logg inn").click()


def test_leader_reads_the_shift_annotates_and_downloads_excel(live_server, page: Page) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    today = timezone.localdate()
    # given the demo, with 30 months of measure history and a change a year ago
    demo_load(today=today)
    # and the rollup just refreshed, so the dashboard reads it
    first, last = rollup_window(today=today)
    refreshed = timezone.now()
    rollup_rebuild(first=first, last=last, as_of=refreshed)
    log_in(page, live_server.url, "leder")
    # when the unit leader opens the municipality's dashboard
    page.goto(live_server.url + reverse("measures:dashboard", args=("municipality", "horten")))
    expect(page.get_by_role("heading", name="Målepunkter: Horten kommune")).to_be_visible()
    # then it says when its figures are from: the refresh
    expect(page.get_by_test_id("figures-as-of")).to_have_text(
        f"Tallene er per {timezone.localtime(refreshed):%d.%m.%Y %H:%M}."
    )
    card = page.get_by_test_id(f"measure-{CODE}")
    # then the HPH2 run chart shows, with the shift in words
    expect(card.locator("svg.spc-chart")).to_be_visible()
    expect(card.get_by_test_id(f"signals-{CODE}")).to_contain_text("Skift:")
    expect(card.get_by_test_id(f"signals-{CODE}")).to_contain_text("over medianen")
    # when she opens the chart and adds an annotation
    card.locator(f"#measure-{CODE}-heading a").click()
    expect(page.get_by_test_id("signals")).to_contain_text("Skift:")
    markers = page.locator("#measure-chart .spc-annotation")
    # the demo's documented changes (the learning network's notes may add more)
    expect(markers.first).to_be_visible()
    page.get_by_label("Dato").fill((today - timedelta(days=60)).isoformat())
    page.get_by_label("Hva ble endret").fill("Ny sjekkliste")
    page.get_by_role("button", name="Legg til merknad").click()
    # then the page confirms it and the chart carries its marker
    expect(page.get_by_text("Merknaden er lagt til i diagrammet.")).to_be_visible()
    expect(page.locator("#annotations")).to_contain_text("Ny sjekkliste")
    # and the note is kept by the registered note store (the improvement team's annotations)
    notes = registry.notes_for(
        measure=Measure.objects.get(code=CODE), scope=scope_get_by_code(code="horten")
    )
    assert "Ny sjekkliste" in [note.text for note in notes]
    # when she downloads the Excel file
    with page.expect_download() as info:
        page.locator("#export-xlsx").click()
    download = info.value
    assert download.suggested_filename == f"horten-{CODE}.xlsx"
    book = load_workbook(io.BytesIO(download.path().read_bytes()))
    # then it has a sheet with the series, the SPC columns and a native chart
    sheet = book[CODE]
    assert "Skift:" in sheet["A3"].value
    header = [cell.value for cell in sheet[5]]
    for column in ("Periode", "Teller", "Nevner", "Verdi", "Senterlinje", "Skift (langt løp)"):
        assert column in header
    rows = [row for row in sheet.iter_rows(min_row=6, values_only=True) if row[0] == CODE]
    assert len(rows) == 24
    runs_signal = header.index("Skift (langt løp)")
    assert any(row[runs_signal] == "Ja" for row in rows)
    assert sheet.cell(6, header.index("Verdi") + 1).number_format == "0.0 %"
    # and the annotation follows the rows
    texts = [row[1] for row in sheet.iter_rows(min_row=30, values_only=True)]
    assert "Ny sjekkliste" in texts
    assert sheet._charts
    assert errors == []
