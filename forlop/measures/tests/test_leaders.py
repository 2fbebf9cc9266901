"""The trial's measure per primary contact on the leaders' view (issue 9 item 4): counted by
hand on known pathways, small groups suppressed, constant queries, and the page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from forlop.core.models import Role
from forlop.measures.leaders import leader_section
from forlop.measures.tests.conftest import AFTER_THE_ROWS, oslo
from forlop.measures.tests.test_main_checklists import _main
from forlop.pathways.models import Pathway

pytestmark = [pytest.mark.django_db, pytest.mark.clock(AFTER_THE_ROWS)]

YES = dict.fromkeys(("HPH0", "HPH2", "HPH3", "HPH5"), True)


@pytest.fixture
def held(district, other_unit, nurse, make_member, add_pathway, add_stop_point):
    """Nina holds 5 settled pathways (3 with at least 3 of 4) and one not settled yet; Ola
    holds 2 (both 4 of 4); one pathway has no primary contact; another municipality's
    pathway of Nina's is not in the leader's units."""
    ola = make_member(district, Role.PRIMARY_CONTACT, first_name="Ola", last_name="Olsen")

    def pathway(unit, person, done: dict[str, bool], **extra) -> Pathway:
        p = add_pathway(unit, oslo(2025, 1, 1, 9))
        Pathway.objects.filter(pk=p.pk).update(primary_contact=person)
        _main(add_stop_point, p, done, **extra)
        return p

    for done in (YES, YES, {**YES, "HPH3": False}, {"HPH0": True, "HPH2": True}, {"HPH0": True}):
        pathway(district, nurse, done)
    # HPH5 still open before its end: not settled
    pathway(district, nurse, {**YES, "HPH5": False}, HPH5={"ends_at": oslo(2025, 5, 1)})
    pathway(district, ola, YES)
    pathway(district, ola, YES)
    pathway(district, None, YES)
    pathway(other_unit, nurse, {})
    return {"ola": ola}


def test_per_primary_contact_counted_by_hand(held, leader, nurse, django_assert_num_queries):
    from datetime import date

    # the led units, the measure, the counts by primary contact and month, by unit and month,
    # the names: the same whatever the number of people or units
    with django_assert_num_queries(5):
        section = leader_section(leader, date(2025, 4, 15))
    assert (section.first, section.last) == ("okt. 2024", "mar. 2025")
    rows = {row.user_id: (row.pathways, row.met, row.share) for row in section.rows}
    assert rows == {
        nurse.pk: (5, 3, 0.6),
        held["ola"].pk: (None, None, None),  # 2 < 5: suppressed
        None: (None, None, None),  # 1 < 5: suppressed
    }
    assert section.suppressed == 2
    # the rows: named people by name, then the pathways with no primary contact
    assert [row.user_id for row in section.rows] == [nurse.pk, held["ola"].pk, None]


def test_the_leaders_view_shows_it_and_a_nurse_is_refused(client, held, leader, nurse):
    client.force_login(leader)
    page = client.get(reverse("pathways:leader"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="three-of-four-employee"' in html
    assert "minst 3 av de 4 hovedsjekklistene, per primærkontakt" in html
    assert f'data-key="{nurse.pk}"' in html
    assert "60 %" in html
    assert html.count('data-testid="suppressed"') == 2
    client.force_login(nurse)
    assert client.get(reverse("pathways:leader")).status_code == 403


def _by_hand(unit, month_start, month_end):
    """The 3-of-4 measure per primary contact for one month, counted pathway by pathway in
    Python: {primary contact id: (settled pathways, with at least 3 of 4)}."""
    out: dict[int | None, tuple[int, int]] = {}
    for p in Pathway.objects.filter(
        unit=unit, started_at__gte=month_start, started_at__lt=month_end
    ).prefetch_related("stop_points__definition"):
        main = [sp for sp in p.stop_points.all() if sp.definition.main_checklist]
        pending = any(
            sp.completed_at is None
            and sp.not_relevant_at is None
            and sp.interrupted_at is None
            and sp.ends_at > oslo(2025, 4, 15, 10)
            for sp in main
        )
        if len(main) < 4 or pending:
            continue
        done = sum(1 for sp in main if sp.completed_at is not None)
        n, met = out.get(p.primary_contact_id, (0, 0))
        out[p.primary_contact_id] = (n + 1, met + (done >= 3))
    return out


def test_per_primary_contact_by_month_counted_by_hand(
    held, leader, nurse, district, add_pathway, add_stop_point
):
    """The run charts: Nina's January (5 settled, 3 met) and February (6 settled, 4 met) by
    hand; Ola's 2 and the pathway without a primary contact are suppressed in every month;
    the unit's chart has every pathway of the unit."""
    from datetime import date

    for done in (YES, YES, YES, {**YES, "HPH5": False}, {"HPH0": True}, {}):
        p = add_pathway(district, oslo(2025, 2, 10, 9))
        Pathway.objects.filter(pk=p.pk).update(primary_contact=nurse)
        _main(add_stop_point, p, done)
    section = leader_section(leader, date(2025, 4, 15))
    rows = {row.user_id: row for row in section.rows}
    nina = rows[nurse.pk].series
    assert len(nina.points) == 24
    assert (nina.points[0].period_start, nina.points[-1].period_start) == (
        date(2023, 4, 1),
        date(2025, 3, 1),
    )
    by_month = {p.period_start: (p.denominator, p.numerator) for p in nina.points if p.denominator}
    jan = _by_hand(district, oslo(2025, 1, 1, 0), oslo(2025, 2, 1, 0))
    feb = _by_hand(district, oslo(2025, 2, 1, 0), oslo(2025, 3, 1, 0))
    assert jan[nurse.pk] == (5, 3)
    assert feb[nurse.pk] == (6, 4)
    assert by_month == {date(2025, 1, 1): jan[nurse.pk], date(2025, 2, 1): feb[nurse.pk]}
    assert [p.value for p in nina.points if p.value is not None] == [0.6, 4 / 6]
    assert rows[nurse.pk].svg.startswith("<svg")
    assert (rows[nurse.pk].pathways, rows[nurse.pk].met) == (11, 7)  # the table: six months
    # Ola: 2 settled in January, under 5: no number in any month and no chart
    assert jan[held["ola"].pk] == (2, 2)
    ola = rows[held["ola"].pk]
    assert ola.svg == ""
    assert [p for p in ola.series.points if p.value is not None] == []
    assert sum(p.suppressed for p in ola.series.points) == 1
    # The unit: every settled pathway of the unit, the same grouped pass by unit
    (unit_row,) = section.units
    assert unit_row.unit_id == district.pk
    unit_months = {p.period_start: (p.denominator, p.numerator) for p in unit_row.series.points}
    assert unit_months[date(2025, 1, 1)] == tuple(map(sum, zip(*jan.values(), strict=True)))
    assert unit_months[date(2025, 1, 1)] == (8, 6)
    assert unit_months[date(2025, 2, 1)] == (6, 4)
    assert unit_row.series.result.too_few_points  # 2 useful months: no signal claimed
