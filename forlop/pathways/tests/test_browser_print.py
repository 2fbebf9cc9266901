"""The printed day on A4 (issue 10, item 8): the demo nurse's print view, rendered to PDF by
Chromium as her browser prints it, fits on one A4 page (it ran to 5 pages, then 2), with every
stop point of her list on it."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
import time_machine
from playwright.sync_api import Page
from pypdf import PdfReader

from forlop.core.models import User
from forlop.core.tz import OSLO
from forlop.demo.loader import DEMO_PASSWORD
from forlop.demo.testing import demo_load
from forlop.pathways import selectors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A Wednesday: overdue, today and the rest of the week all have rows.
NOW = datetime(2026, 3, 11, 10, 0, tzinfo=OSLO)


def test_the_demo_nurses_day_prints_on_one_a4_page(live_server, page: Page) -> None:
    with time_machine.travel(NOW, tick=True):
        # given the demo, and the nurse's list as the selectors count it
        demo_load(today=date(2026, 3, 11))
        nurse = User.objects.get(username="sykepleier")
        work = selectors.worklist(user=nurse, now=NOW)
        items = [*work.overdue, *work.due_today, *work.due_this_week]
        assert len(items) >= 8  # a real day's list, not an empty page
        # when she opens the print view and her browser prints it on A4
        page.goto(f"{live_server.url}/login/")
        page.locator("#id_username").fill("sykepleier")
        page.locator("#id_password").fill(DEMO_PASSWORD)
        page.locator("form button[type=submit]").last.click()
        page.wait_for_load_state()
        page.goto(f"{live_server.url}/pathways/worklist/print/")
        assert page.get_by_test_id("print-row").count() == len(items)
        pdf = PdfReader(io.BytesIO(page.pdf(format="A4", print_background=True)))
    # then it is one page, with every patient and stop point of the list on it
    assert len(pdf.pages) == 1
    text = " ".join(pdf.pages[0].extract_text().split())
    for item in items:
        assert item.patient.full_name in text, item.patient.full_name
    assert text.count("HPH") == sum(1 for i in items if i.shown_code.startswith("HPH"))
