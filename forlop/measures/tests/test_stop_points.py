"""Stop points on time per stop point: one query for every stop point and month, the same
totals as ``compute_on_time_by_stop_point``, and the table and small multiples on the
adherence measure's page (in Norwegian)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from forlop.core.models import Role
from forlop.measures.compute import (
    compute_on_time_by_stop_point,
    compute_on_time_by_stop_point_and_period,
)
from forlop.measures.selectors import on_time_by_stop_point, scope_for_organisation
from forlop.measures.tests.conftest import AFTER_THE_ROWS, oslo

pytestmark = [pytest.mark.django_db, pytest.mark.clock(AFTER_THE_ROWS)]

JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)


@pytest.fixture
def known(default_measures, district, other_unit, add_pathway, add_stop_point):
    p1 = add_pathway(district, oslo(2025, 1, 2))
    add_stop_point(p1, "HPH2", oslo(2025, 1, 5), completed_at=oslo(2025, 1, 4))  # on time
    add_stop_point(p1, "HPH3", oslo(2025, 1, 16), completed_at=oslo(2025, 1, 20))  # late
    add_stop_point(p1, "HPH6", oslo(2025, 1, 3), completed_at=oslo(2025, 1, 3))  # not main
    p2 = add_pathway(district, oslo(2025, 2, 1))
    add_stop_point(p2, "HPH2", oslo(2025, 2, 4))  # not done, deadline passed
    add_stop_point(p2, "HPH2", oslo(2025, 2, 10), occurrence=2)  # a repeat: ignored
    add_stop_point(p2, "HPH5", oslo(2025, 3, 1), completed_at=oslo(2025, 2, 27))  # on time
    add_stop_point(p2, "HPH3", oslo(2025, 2, 14), not_relevant_at=oslo(2025, 2, 5))  # left out
    other = add_pathway(other_unit, oslo(2025, 1, 2))  # another municipality
    add_stop_point(other, "HPH2", oslo(2025, 1, 5), completed_at=oslo(2025, 1, 4))


def test_per_stop_point_and_month_in_one_query(known, municipality, django_assert_num_queries):
    scope = scope_for_organisation(municipality)
    window = {"scope": scope, "first": JAN, "last": MAR, "as_of": oslo(2025, 4, 1)}
    with django_assert_num_queries(1):
        by_month = compute_on_time_by_stop_point_and_period(**window)
    as_tuples = {
        code: [(c.period_start, c.numerator, c.denominator) for c in counts]
        for code, counts in by_month.items()
    }
    assert as_tuples == {
        "HPH2": [(JAN, 1, 1), (FEB, 0, 1), (MAR, 0, 0)],
        "HPH3": [(JAN, 0, 1), (FEB, 0, 0), (MAR, 0, 0)],
        "HPH5": [(JAN, 0, 0), (FEB, 0, 0), (MAR, 1, 1)],
    }
    # summed over the months: the totals of compute_on_time_by_stop_point
    totals = {
        code: (sum(c.numerator for c in counts), sum(c.denominator for c in counts))
        for code, counts in by_month.items()
    }
    assert totals == compute_on_time_by_stop_point(**window)


def test_rows_have_titles_shares_and_run_charts(known, municipality):
    rows = on_time_by_stop_point(
        scope=scope_for_organisation(municipality), first=JAN, last=MAR, as_of=oslo(2025, 4, 1)
    )
    assert [(r.code, r.on_time, r.due, r.share) for r in rows] == [
        ("HPH2", 1, 2, 0.5),
        ("HPH3", 0, 1, 0.0),
        ("HPH5", 1, 1, 1.0),
    ]
    assert all(r.title for r in rows)
    assert [p.value for p in rows[0].series.points] == [1.0, 0.0, None]
    assert rows[0].series.result.chart == "run"


def test_the_adherence_page_shows_the_table_and_small_multiples(
    client, known, district, make_member
):
    client.force_login(make_member(district, Role.UNIT_LEADER, username="boss"))
    dashboard = client.get(reverse("measures:dashboard", args=("unit", district.code)))
    assert 'id="by-stop-point-link"' in dashboard.content.decode()
    response = client.get(
        reverse("measures:chart", args=("unit", district.code, "stop-points-on-time"))
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tidsfrister per stoppunkt" in page
    assert "Utført i tide" in page
    assert 'data-testid="stop-point-HPH2"' in page
    assert (
        page.count('data-testid="stop-point-chart-')
        == page.count('<tr data-testid="stop-point-')
        > 0
    )
    # every status side by side for the same stop points
    assert page.count('<tr data-testid="statuses-') == 3
    assert "For få punkter" in page  # too few points for a runs analysis, in words
    # only the main-checklist adherence measure is split by stop point
    other = client.get(
        reverse("measures:chart", args=("unit", district.code, "hph2-within-3-days"))
    )
    assert other.status_code == 200
    assert other.context["measure"].code == "hph2-within-3-days"
    assert 'id="by-stop-point"' not in other.content.decode()
