"""One number everywhere: for every demo user, the menu badge, the work list, the print view and
the leaders' overdue list show the same counts, because they come from one scope
(``pathways.selectors.worklist_scope``)."""

from __future__ import annotations

import re
from datetime import date, datetime

import pytest
import time_machine
from django.test import Client

from forlop.core.models import User
from forlop.core.tz import OSLO
from forlop.demo.testing import demo_load
from forlop.pathways import selectors

NOW = datetime(2026, 3, 11, 10, 0, tzinfo=OSLO)


def _badge(html: str, testid: str) -> int:
    found = re.search(rf'data-testid="{testid}">(\d+)', html)
    return int(found.group(1)) if found else 0


def _section_count(html: str, key: str) -> int:
    found = re.search(rf'id="worklist-{key}-title">[^<]*<span class="count">\((\d+)\)</span>', html)
    assert found, key
    return int(found.group(1))


def _print_rows(html: str, key: str) -> int:
    section = re.search(
        rf'<section class="print-section" data-testid="print-{key}".*?</section>', html, re.DOTALL
    )
    assert section, key
    return section.group(0).count('data-testid="print-row"')


@pytest.mark.django_db
def test_badge_list_print_and_leaders_agree_for_every_demo_user() -> None:
    with time_machine.travel(NOW, tick=False):
        # given the demo on a weekday
        demo_load(today=date(2026, 3, 11))
        seen: dict[str, tuple[int, ...]] = {}
        for user in User.objects.filter(memberships__active=True).distinct().order_by("username"):
            client = Client()
            client.force_login(user)
            # when the user opens the work list, and prints the day
            page = client.get("/pathways/worklist/").content.decode()
            printed = client.get("/pathways/worklist/print/")
            work = selectors.worklist(user=user, now=NOW)
            counts = selectors.worklist_counts(user=user, now=NOW)
            # then the badge, the list, the print and the selectors agree
            expected = (len(work.overdue), len(work.due_today), len(work.due_this_week))
            assert (counts["overdue"], counts["today"]) == expected[:2], user.username
            assert (_badge(page, "nav-overdue"), _badge(page, "nav-today")) == expected[:2], (
                user.username
            )
            assert (
                _section_count(page, "overdue"),
                _section_count(page, "today"),
                _section_count(page, "week"),
            ) == expected, user.username
            assert printed.status_code == 200, user.username
            html = printed.content.decode()
            assert (
                _print_rows(html, "overdue"),
                _print_rows(html, "today"),
                _print_rows(html, "week"),
            ) == expected, user.username
            if user.username in {"leder", "admin"}:
                leaders = client.get("/pathways/leaders/").content.decode()
                found = re.search(r'id="overdue-title">[^(]*\((\d+)\)', leaders)
                assert found, user.username
                assert int(found.group(1)) == expected[0], user.username
            seen[user.username] = expected
        # and the demo gives the roles work to agree on (not zeros everywhere)
        assert seen["sykepleier"][0] > 0
        assert seen["fastlege"][0] + seen["fastlege"][1] + seen["fastlege"][2] > 0
        assert seen["leder"][0] >= seen["sykepleier"][0]
