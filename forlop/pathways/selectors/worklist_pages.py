"""The work list page, one page per section: overdue, due today and due this week.

A nurse may have well over a thousand cards (a unit of 2,000 patients at national scale); the
page shows ``PAGE_SIZE`` of each section, with the full totals in the headings. The totals,
the menu badge (``worklist_counts``) and the page's cards all come from ``worklist_scope``,
so they agree; the print view (``worklist``) still lists every card of the day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, F, IntegerField, QuerySet, Value, When

from forlop.core.audit import audit_record
from forlop.core.models import AuditVerb, Unit, User
from forlop.core.validation import page_param
from forlop.pathways import models
from forlop.pathways.models import deadline_passed_q
from forlop.pathways.selectors.worklist import (
    LIST_ORDER,
    WorkItem,
    _cards,
    _horizon,
    _in_horizon,
    section_counts,
    worklist_scope,
)
from forlop.patients.models import Patient

PAGE_SIZE = 25
"""Cards per section and page: a screenful or two on a tablet, and a page of a few hundred
kilobytes however long the list is."""

SECTIONS = ("overdue", "today", "week")


def requested_page(raw: object) -> int:
    """The page asked for in ``raw`` (a query parameter), read as every page number is
    (``core.validation.page_param``: junk, zero, negative and absurd numbers give page 1),
    and digits of other scripts ("٢") are junk too."""
    text = None if raw is None else str(raw)
    if text is not None and not text.isascii():
        return 1
    return page_param(text)


def page_number(raw: object, *, total: int, per_page: int = PAGE_SIZE) -> int:
    """The page asked for in ``raw`` (``requested_page``); a number past the last page gives
    the last page."""
    return min(requested_page(raw), max(1, -(-total // per_page)))


@dataclass(frozen=True, slots=True)
class SectionPage:
    key: str
    items: list[WorkItem]
    total: int
    """Every card of the section (the heading's count), not only this page's."""
    number: int
    per_page: int = PAGE_SIZE

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def start_index(self) -> int:
        """The first card's place in the section (1-based; 0 when the section is empty)."""
        return (self.number - 1) * self.per_page + 1 if self.items else 0

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.items) - 1 if self.items else 0


@dataclass(frozen=True, slots=True)
class WorkListPage:
    overdue: SectionPage
    today: SectionPage
    week: SectionPage
    patients_shown: list[Patient] = field(default_factory=list)

    @property
    def sections(self) -> tuple[SectionPage, SectionPage, SectionPage]:
        return (self.overdue, self.today, self.week)

    @property
    def total(self) -> int:
        return sum(section.total for section in self.sections)

    def patients(self) -> list[Patient]:
        """Each patient on this page once, in the page's order."""
        return self.patients_shown


def _page_rows(
    scope: QuerySet[models.StopPoint], *, now: datetime, numbers: Mapping[str, int], per_page: int
) -> list[tuple[int, int, int]]:
    """The cards on the asked pages of the three sections, as (id, section, the section's
    total): each stop point's section, its place in it (ROW_NUMBER over the list's order) and
    the section's size (COUNT over the section) on the narrow scope rows, in one statement.
    A section with no row on its asked page has no total here (``worklist_page``).

    The scope is compiled by the ORM and the window written around it by hand: Django filters
    on a window by cloning and relabelling the whole query into two more levels (its QUALIFY
    emulation), which on the 40k-patient benchmark took 6 of this function's 21 ms (median of
    30, the same rows). Portable SQL: SQLite and PostgreSQL run it alike.
    """
    tomorrow_starts = _horizon(now)[0]
    section = Case(
        When(deadline_passed_q(now), then=Value(0)),
        When(due_at__lt=tomorrow_starts, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    columns = {"w_pk": F("pk"), "w_section": section} | {
        f"w_{name}": F(name) for name in LIST_ORDER if name != "pk"
    }
    narrow = _in_horizon(scope, now).order_by().annotate(**columns).values_list(*columns)
    try:
        inner, params = narrow.query.get_compiler(using=narrow.db).as_sql()
    except EmptyResultSet:  # a scope that can hold nothing (``.none()``)
        return []
    order = ", ".join(f"w_{name}" for name in LIST_ORDER)
    wanted: list[str] = []
    for index, key in enumerate(SECTIONS):
        first = (numbers[key] - 1) * per_page
        wanted.append("(w_section = %s AND place > %s AND place <= %s)")
        params = (*params, index, first, first + per_page)
    # Interpolated: the ORM's compiled SQL and fixed names; every value is a parameter.
    sql = (
        "SELECT w_pk, w_section, section_total FROM ("  # noqa: S608
        f" SELECT w_pk, w_section, ROW_NUMBER() OVER (PARTITION BY w_section ORDER BY {order})"
        " AS place, COUNT(*) OVER (PARTITION BY w_section) AS section_total"
        f" FROM ({inner}) AS scope"
        f") AS ranked WHERE {' OR '.join(wanted)}"
    )
    with connections[narrow.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [(pk, section, total) for pk, section, total in cursor.fetchall()]


def worklist_page(
    *,
    user: User,
    now: datetime,
    unit: Unit | None = None,
    assignee: User | None = None,
    pages: Mapping[str, object] | None = None,
    per_page: int = PAGE_SIZE,
    scope: QuerySet[models.StopPoint] | None = None,
    roles: frozenset[str] | None = None,
) -> WorkListPage:
    """One page of each section of the user's work list (``worklist_scope``, as ``worklist``).

    ``pages`` maps a section ("overdue", "today", "week") to the page asked for, as it came
    in (``requested_page`` reads it: junk gives page 1; past the end gives the last page).
    Five queries, whatever the length of the list: the pages' ids with the sections' totals
    (``_page_rows``), the user's roles, the cards of the pages, their parts, and one audit row
    naming the patients shown; two more only for a page past a section's end, and on
    PostgreSQL two around the cards' read (``_joins_as_written``). ``scope``: that
    ``worklist_scope`` at ``now`` when the caller has built it already (the menu's,
    ``context_processors.nav_scope``); ``roles``: the user's active roles when the caller has
    read them (then four queries). An empty list reads no cards.
    """
    pages = pages or {}
    if scope is None:
        scope = worklist_scope(user=user, now=now, unit=unit, assignee=assignee)
    numbers = {key: requested_page(pages.get(key)) for key in SECTIONS}
    rows = _page_rows(scope, now=now, numbers=numbers, per_page=per_page)
    totals = dict.fromkeys(SECTIONS, 0)
    for _, section, total in rows:
        totals[SECTIONS[section]] = total
    if any(numbers[key] > 1 and not totals[key] for key in SECTIONS):
        # A page past a section's end (an old link, a list that shrank): count the sections
        # and read the last pages instead (two more queries, only then).
        totals = section_counts(_in_horizon(scope, now), now=now)
        numbers = {
            key: page_number(pages.get(key), total=totals[key], per_page=per_page)
            for key in SECTIONS
        }
        rows = (
            _page_rows(scope, now=now, numbers=numbers, per_page=per_page)
            if any(totals.values())
            else []
        )
    work = _cards([pk for pk, _, _ in rows], now, user=user, roles=roles)
    result = WorkListPage(
        overdue=SectionPage(
            "overdue", work.overdue, totals["overdue"], numbers["overdue"], per_page
        ),
        today=SectionPage("today", work.due_today, totals["today"], numbers["today"], per_page),
        week=SectionPage("week", work.due_this_week, totals["week"], numbers["week"], per_page),
        patients_shown=work.patients(),
    )
    audit_record(  # one INSERT; no transaction needed
        actor=user,
        verb=AuditVerb.WORKLIST_VIEWED,
        data={
            "unit": unit.code if unit is not None else None,
            "items": work.total,
            "total": result.total,
            "pages": numbers,
            "patients": work.patient_ids(),
        },
    )
    return result
