"""The work-list page in pages (issue 16): each section shows PAGE_SIZE cards a page, the
headings and the menu badge count them all, and the print view lists every card of the day."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forlop.core.audit import audit_write_queries
from forlop.core.models import Unit, User
from forlop.pathways import selectors
from forlop.pathways.models import StopPoint
from forlop.pathways.tests.factories import (
    PathwayFactory,
    StopPointDefinitionFactory,
    StopPointFactory,
    TemplateVersionFactory,
    oslo,
)
from forlop.patients.tests.factories import PatientFactory, PatientServiceFactory

# Wednesday 11 March 2026, 10:00 in Oslo; the week ends on Sunday 15 March.
NOW = oslo(2026, 3, 11, 10)
pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-03-11T10:00+01:00")]

OVERDUE, TODAY, WEEK = 30, 2, 27


@pytest.fixture
def cards(district: Unit, nurse: User) -> dict[str, list[int]]:
    """30 overdue stop points (one a day from 1 February), 2 due today and 27 later this week,
    all on the nurse's list; returns their ids per section, in the list's order."""
    patient = PatientFactory(municipality=district.organisation)
    PatientServiceFactory(patient=patient, unit=district, started_on=date(2026, 1, 1))
    version = TemplateVersionFactory()
    pathway = PathwayFactory(patient=patient, unit=district, version=version, primary_contact=nurse)
    definition = StopPointDefinitionFactory(version=version, code="PAGED")

    made = iter(range(1, 100))

    def make(day: int, month: int = 3) -> int:
        return StopPointFactory(
            pathway=pathway,
            definition=definition,
            occurrence=next(made),
            due_at=oslo(2026, month, day),
        ).pk

    overdue = [make(day, 2) for day in range(1, 29)] + [make(1), make(2)]
    today = [make(11) for _ in range(TODAY)]
    week = [make(12 + i % 4) for i in range(WEEK)]
    week.sort(key=lambda pk: (StopPoint.objects.get(pk=pk).due_at, pk))
    return {"overdue": overdue, "today": today, "week": week}


def _shown(html: str, key: str) -> list[int]:
    section = re.search(
        rf'<section class="worklist-section worklist-section--{key}".*?</section>', html, re.DOTALL
    )
    assert section, key
    return [int(pk) for pk in re.findall(r'id="work-item-(\d+)"', section.group(0))]


def _heading(html: str, key: str) -> int:
    found = re.search(rf'id="worklist-{key}-title">[^<]*<span class="count">\((\d+)\)</span>', html)
    assert found, key
    return int(found.group(1))


def _badge(html: str, testid: str) -> int:
    found = re.search(rf'data-testid="{testid}">(\d+)', html)
    return int(found.group(1)) if found else 0


def test_the_first_page_shows_25_cards_a_section_and_the_headings_count_all(
    client, nurse, cards
) -> None:
    client.force_login(nurse)
    html = client.get(reverse("pathways:worklist")).content.decode()
    assert (_heading(html, "overdue"), _heading(html, "today"), _heading(html, "week")) == (
        OVERDUE,
        TODAY,
        WEEK,
    )
    assert (_badge(html, "nav-overdue"), _badge(html, "nav-today")) == (OVERDUE, TODAY)
    assert _shown(html, "overdue") == cards["overdue"][:25]
    assert _shown(html, "today") == cards["today"]
    assert _shown(html, "week") == cards["week"][:25]
    assert html.count('data-testid="work-item"') == 25 + 2 + 25
    # Norwegian navigation above and below a paged section, none for a section of one page
    assert html.count("Viser 1–25 av 30 (side 1 av 2)") == 2
    assert html.count("Viser 1–25 av 27 (side 1 av 2)") == 2
    assert html.count('href="?overdue_page=2#worklist-overdue"') == 2
    assert html.count('href="?week_page=2#worklist-week"') == 2
    assert "Neste side" in html
    assert "Forfalt <span" in html
    assert "Frist i dag <span" in html
    assert "Frist denne uken <span" in html
    assert "Forrige side" not in html
    assert 'data-testid="pager-today-top"' not in html
    assert "«Skriv ut dagen» viser alle kortene" in html


def test_page_two_shows_the_rest_and_keeps_the_other_sections_and_the_filter(
    client, nurse, district, cards
) -> None:
    client.force_login(nurse)
    html = client.get(
        reverse("pathways:worklist"), {"unit": district.pk, "overdue_page": "2"}
    ).content.decode()
    assert _shown(html, "overdue") == cards["overdue"][25:]
    assert _shown(html, "week") == cards["week"][:25]
    assert _heading(html, "overdue") == OVERDUE
    assert html.count("Viser 26–30 av 30 (side 2 av 2)") == 2
    # back to page 1, with the unit kept; the week's next page keeps the overdue page
    assert f'href="?unit={district.pk}#worklist-overdue"' in html
    assert f'href="?unit={district.pk}&amp;overdue_page=2&amp;week_page=2#worklist-week"' in html
    # the print view takes the filter, not the page: it lists the whole day
    assert f'href="{reverse("pathways:worklist-print")}?unit={district.pk}"' in html


@pytest.mark.parametrize("junk", ["abc", "0", "-3", "2.5", "", "1e3", "٢", "9" * 30])
def test_junk_page_numbers_give_page_one(client, nurse, cards, junk) -> None:
    client.force_login(nurse)
    response = client.get(reverse("pathways:worklist"), {"overdue_page": junk, "week_page": junk})
    assert response.status_code == 200
    html = response.content.decode()
    assert _shown(html, "overdue") == cards["overdue"][:25]
    assert _shown(html, "week") == cards["week"][:25]


def test_a_page_past_the_end_gives_the_last_page(client, nurse, cards) -> None:
    client.force_login(nurse)
    response = client.get(reverse("pathways:worklist"), {"overdue_page": "99999"})
    assert response.status_code == 200
    html = response.content.decode()
    assert _shown(html, "overdue") == cards["overdue"][25:]
    # the way back to page 1 with nothing else in the query
    assert html.count('href="?#worklist-overdue"') == 2
    assert html.count("Forrige side") == 2


def test_the_print_view_lists_every_card_and_agrees_with_the_headings(client, nurse, cards) -> None:
    client.force_login(nurse)
    html = client.get(reverse("pathways:worklist-print")).content.decode()
    rows = {
        key: len(
            re.findall(
                'data-testid="print-row"',
                re.search(
                    rf'<section class="print-section" data-testid="print-{key}".*?</section>',
                    html,
                    re.DOTALL,
                ).group(0),
            )
        )
        for key in ("overdue", "today", "week")
    }
    assert rows == {"overdue": OVERDUE, "today": TODAY, "week": WEEK}


def test_worklist_page_selector_agrees_with_the_whole_list(nurse, cards) -> None:
    whole = selectors.worklist(user=nurse, now=NOW)
    second = selectors.worklist_page(user=nurse, now=NOW, pages={"overdue": "2", "week": 2})
    assert [i.stop_point.pk for i in second.overdue.items] == [
        i.stop_point.pk for i in whole.overdue[25:]
    ]
    assert [i.stop_point.pk for i in second.week.items] == [
        i.stop_point.pk for i in whole.due_this_week[25:]
    ]
    assert (second.overdue.total, second.today.total, second.week.total) == (
        len(whole.overdue),
        len(whole.due_today),
        len(whole.due_this_week),
    )
    assert (second.overdue.start_index, second.overdue.end_index) == (26, 30)
    assert selectors.section_counts(
        selectors.worklist_scope(user=nurse, now=NOW), now=NOW, week=False
    ) == selectors.worklist_counts(user=nurse, now=NOW)


def test_page_number_reads_only_whole_numbers() -> None:
    assert [
        selectors.page_number(raw, total=60)
        for raw in (None, "", "x", "0", "-1", "1", "2", " 3 ", "4", "10**9")
    ] == [1, 1, 1, 1, 1, 1, 2, 3, 3, 1]
    assert selectors.page_number("5", total=0) == 1


def test_the_page_counts_its_list_once_and_reads_the_roles_once(client, nurse, cards) -> None:
    # given a signed-in nurse whose session and content types are warm
    client.force_login(nurse)
    client.get(reverse("pathways:worklist"))
    # when
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("pathways:worklist")).content.decode()
    # then the badge shows the headings' totals (counted once, in the statement that picks the
    # page's cards, not again for the menu) and the menu, the cards and the discharge list
    # share one read of the roles
    sql = [query["sql"] for query in queries.captured_queries]
    assert (_badge(html, "nav-overdue"), _badge(html, "nav-today")) == (OVERDUE, TODAY)
    assert sum("COUNT(*) OVER (PARTITION BY w_section)" in s for s in sql) == 1
    assert sum('COUNT("pathways_stoppoint"."id")' in s for s in sql) == 0  # no badge count
    assert sum(s.startswith('SELECT "core_membership"."role"') for s in sql) == 1


def test_the_page_reads_its_ids_and_totals_in_one_statement(
    nurse, cards, django_assert_num_queries
) -> None:
    # the pages' ids with the sections' totals, the roles, the cards, their parts, the audit row
    # (and on PostgreSQL the join order fixed and reset around the cards' read)
    join_order = 2 if connection.vendor == "postgresql" else 0
    with django_assert_num_queries(4 + join_order + audit_write_queries()):
        page = selectors.worklist_page(user=nurse, now=NOW)
    assert (page.overdue.total, page.today.total, page.week.total) == (OVERDUE, TODAY, WEEK)
    assert [item.stop_point.pk for item in page.overdue.items] == cards["overdue"][:25]
    # a page past a section's end counts the sections and reads the last page instead
    with django_assert_num_queries(6 + join_order + audit_write_queries()):
        past = selectors.worklist_page(user=nurse, now=NOW, pages={"today": "3"})
    assert past.today.number == 1
    assert [item.stop_point.pk for item in past.today.items] == cards["today"]
    assert past.overdue.total == OVERDUE


def test_an_empty_list_reads_no_cards(nurse, django_assert_num_queries) -> None:
    # the pages' ids (none) and the audit row: no read of cards, parts or roles
    with django_assert_num_queries(1 + audit_write_queries()):
        page = selectors.worklist_page(user=nurse, now=NOW)
    assert page.total == 0
    # an old link to page 2 of the week: the count says there is nothing to read
    with django_assert_num_queries(2 + audit_write_queries()):
        page = selectors.worklist_page(user=nurse, now=NOW, pages={"week": "2"})
    assert [section.number for section in page.sections] == [1, 1, 1]
    assert page.total == 0


def _join_collapse_limit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW join_collapse_limit")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_cards_read_gives_the_join_order_back() -> None:
    """PostgreSQL: the fixed join order lasts for the cards' read only, also when it fails."""
    from django.db import DatabaseError, transaction

    from forlop.pathways.selectors.worklist import _joins_as_written

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL planner setting; on SQLite the context manager does nothing")
    before = _join_collapse_limit()
    with _joins_as_written("default"):
        assert _join_collapse_limit() == "1"
    assert _join_collapse_limit() == before
    # a failure outside a transaction, and inside one (an aborted transaction): the
    # statement's own error comes out, and the setting is the server's again
    with pytest.raises(ValueError, match="a bug"), _joins_as_written("default"):
        raise ValueError("a bug")
    assert _join_collapse_limit() == before

    def divide_in_a_transaction() -> None:
        with transaction.atomic(), _joins_as_written("default"), connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")

    with pytest.raises(DatabaseError, match="division by zero"):
        divide_in_a_transaction()
    assert _join_collapse_limit() == before
