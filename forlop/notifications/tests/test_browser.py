"""Real Chromium: the bell's number is the work list's overdue number, and marking a
notification read lowers it without a reload."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from forlop.core.tz import OSLO
from forlop.notifications import services
from forlop.pathways.deadlines import DEFAULT_CALENDAR
from forlop.pathways.tests.test_browser import log_in, watch_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def latest_working_noon(now: datetime) -> datetime:
    """Noon of the latest working day that has reached noon by ``now`` (Europe/Oslo).

    An overdue reminder is given at the start of the next working day after the deadline
    passed, so only on a working day's working hours has every passed deadline been reminded
    of: early on a Monday, a deadline of the Saturday is overdue and not yet reminded. The day
    is at most a few days back, so the CSRF cookie, which expires by the browser's clock a
    year after the server's time, is valid whenever the test runs (a fixed date would not be
    a year on)."""
    local = now.astimezone(OSLO)
    day = local.date() if local.time() >= time(12) else local.date() - timedelta(days=1)
    while not DEFAULT_CALENDAR.is_working_day(day):
        day -= timedelta(days=1)
    return datetime.combine(day, time(12), tzinfo=OSLO)


@pytest.mark.clock.with_args(latest_working_noon)
def test_the_bell_equals_the_overdue_count_and_marking_read_updates_it(
    live_server: Any, page: Page, nurse: Any, district: Any, patient: Any, start_hph: Any
) -> None:
    # given a pathway five days old: HPH2 and the daily care plan are overdue, and the
    # scheduler has reminded the nurse of each (the shipped defaults)
    start_hph(patient, district, nurse, days_ago=5)
    services.notifications_run(now=timezone.now())
    errors = watch_errors(page)
    log_in(page, live_server.url, "nurse")

    # when she opens her work list
    page.locator('[data-testid="nav-worklist"]').click()
    overdue = page.locator('[data-testid="nav-overdue"]').inner_text().split()[0]
    cards = page.locator('[data-testid="worklist-overdue"] [data-testid="work-item"]').count()

    # then the bell shows the same number as the work list's overdue count
    bell = page.locator('[data-testid="bell-count"]')
    assert int(overdue) == cards == 2
    expect(bell).to_have_text(f"{overdue} uleste")

    # when she opens the notifications and marks one read
    page.locator('[data-testid="nav-bell"]').click()
    expect(page.locator('[data-testid="notification"]')).to_have_count(2)
    page.locator('[data-testid="mark-read"]').first.click()

    # then the bell says one, without a reload, and one notification is left unread
    expect(bell).to_have_text("1 uleste")
    expect(page.locator('[data-testid="notification"][data-read="false"]')).to_have_count(1)
    page.reload()
    expect(bell).to_have_text("1 uleste")
    assert errors == []
