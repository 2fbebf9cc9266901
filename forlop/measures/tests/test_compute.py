"""Each default measure's numerator and denominator per month from pathways with known
outcomes. Database-agnostic: runs the same on SQLite and PostgreSQL (scripts/test.sh)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from forlop.measures.compute import compute_counts
from forlop.measures.models import Measure
from forlop.measures.selectors import scope_for_organisation, scope_for_unit
from forlop.measures.tests.conftest import oslo

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)


def counts(code: str, scope, *, as_of=None) -> list[tuple[date, float | None, float | None]]:
    measure = Measure.objects.get(organisation=None, code=code)
    rows = compute_counts(
        measure, scope=scope, first=JAN, last=MAR, as_of=as_of or oslo(2025, 4, 30)
    )
    return [(row.period_start, row.numerator, row.denominator) for row in rows]


@pytest.fixture
def known(default_measures, district, other_unit, add_pathway, add_stop_point, add_admission):
    # given pathways in the district with known outcomes, January to March 2025
    p1 = add_pathway(district, oslo(2025, 1, 2), discharged_at=oslo(2025, 1, 10))
    add_stop_point(p1, "HPH2", oslo(2025, 1, 5), completed_at=oslo(2025, 1, 4))  # on time
    add_stop_point(p1, "HPH3", oslo(2025, 1, 16), completed_at=oslo(2025, 1, 16, 9))  # on time
    add_admission(p1, oslo(2025, 1, 25))  # readmitted within 30 days
    add_admission(p1, oslo(2025, 1, 26))  # a second admission counts once
    p2 = add_pathway(district, oslo(2025, 1, 7), discharged_at=oslo(2025, 1, 15))
    add_stop_point(p2, "HPH2", oslo(2025, 1, 10), completed_at=oslo(2025, 1, 12))  # late
    add_stop_point(p2, "HPH3", oslo(2025, 1, 21))  # never done
    add_admission(p2, oslo(2025, 3, 1))  # after 30 days: not a readmission
    p3 = add_pathway(district, oslo(2025, 1, 15), start_reason="new_user")
    add_stop_point(p3, "HPH2", oslo(2025, 1, 20))  # not done, deadline passed
    add_stop_point(p3, "HPH2", oslo(2025, 1, 25), occurrence=2)  # not the first: ignored
    p4 = add_pathway(district, oslo(2025, 1, 20), start_reason="annual_review")
    add_stop_point(p4, "HPH2", oslo(2025, 1, 25), not_relevant_at=oslo(2025, 1, 24))
    # February
    p5 = add_pathway(district, oslo(2025, 2, 1), discharged_at=oslo(2025, 2, 10))
    add_stop_point(p5, "HPH2", oslo(2025, 2, 3), completed_at=oslo(2025, 2, 2))
    add_stop_point(p5, "HPH5", oslo(2025, 1, 31, 23, 30), completed_at=oslo(2025, 1, 30))  # Jan
    add_stop_point(p5, "HPH5", oslo(2025, 2, 1, 0, 30), occurrence=2)  # ignored (2nd)
    p6 = add_pathway(district, oslo(2025, 2, 20), discharged_at=oslo(2025, 2, 20))
    add_stop_point(p6, "HPH2", oslo(2025, 2, 28), completed_at=oslo(2025, 2, 27))
    add_stop_point(p6, "HPH5", oslo(2025, 3, 20))  # deadline not passed as of 15 March
    add_admission(p6, oslo(2025, 2, 22))
    # HPH6: admissions in January (3 hours to send the report)
    for hours, done in ((2, True), (5, True), (0, False)):
        admitted = oslo(2025, 1, 3 + hours)
        add_stop_point(
            p1,
            "HPH6",
            admitted + timedelta(hours=3),
            ends_at=admitted + timedelta(hours=3),
            triggered_at=admitted,
            completed_at=admitted + timedelta(hours=hours) if done else None,
            occurrence=hours + 1,
        )
    # March
    p7 = add_pathway(district, oslo(2025, 3, 5))
    add_stop_point(p7, "HPH2", oslo(2025, 3, 10), completed_at=oslo(2025, 3, 9))
    # noise: another municipality, always on time
    other = add_pathway(other_unit, oslo(2025, 1, 3), discharged_at=oslo(2025, 1, 3))
    add_stop_point(other, "HPH2", oslo(2025, 1, 6), completed_at=oslo(2025, 1, 4))
    add_admission(other, oslo(2025, 1, 5))
    return {"p5": p5}


def test_hph2_within_3_days_by_deadline_month(known, municipality):
    # when / then
    assert counts("hph2-within-3-days", scope_for_organisation(municipality)) == [
        (JAN, 1, 3),
        (FEB, 2, 2),
        (MAR, 1, 1),
    ]


def test_same_numbers_for_the_unit(known, district):
    assert counts("hph2-within-3-days", scope_for_unit(district)) == [
        (JAN, 1, 3),
        (FEB, 2, 2),
        (MAR, 1, 1),
    ]


def test_hph3_and_hph5_and_oslo_month_boundary(known, municipality):
    scope = scope_for_organisation(municipality)
    assert counts("hph3-within-14-days", scope) == [(JAN, 1, 2), (FEB, 0, 0), (MAR, 0, 0)]
    # 31 January 23:30 in Oslo is January (22:30 UTC); the March deadline has not passed
    assert counts("hph5-within-28-days", scope, as_of=oslo(2025, 3, 15)) == [
        (JAN, 1, 1),
        (FEB, 0, 0),
        (MAR, 0, 0),
    ]


def test_readmission_within_30_days_by_discharge_month(known, municipality):
    assert counts("readmission-30-days", scope_for_organisation(municipality)) == [
        (JAN, 1, 2),
        (FEB, 1, 2),
        (MAR, 0, 0),
    ]


def test_readmission_waits_for_the_30_day_window(known, municipality):
    # as of 1 March, only the January discharges have a closed 30-day window
    scope = scope_for_organisation(municipality)
    assert counts("readmission-30-days", scope, as_of=oslo(2025, 3, 1)) == [
        (JAN, 1, 2),
        (FEB, 0, 0),
        (MAR, 0, 0),
    ]


def test_nursing_home_within_90_days_waits_for_its_window(
    default_measures, district, municipality, add_pathway
):
    from forlop.pathways.models import PathwayEvent

    def moved(pathway, on) -> None:
        event = PathwayEvent.objects.create(
            patient=pathway.patient, pathway=pathway, kind="nursing_home", occurred_at=on
        )
        PathwayEvent.objects.filter(pk=event.pk).update(created_at=on)

    # January discharges: one moves on day 80 (counts), one on day 95 (too late), one stays
    # home; an admission is not a move to a nursing home
    early = add_pathway(district, oslo(2025, 1, 2), discharged_at=oslo(2025, 1, 3))
    moved(early, oslo(2025, 1, 3) + timedelta(days=80))
    late = add_pathway(district, oslo(2025, 1, 5), discharged_at=oslo(2025, 1, 6))
    moved(late, oslo(2025, 1, 6) + timedelta(days=95))
    add_pathway(district, oslo(2025, 1, 8), discharged_at=oslo(2025, 1, 9))
    # February: its 90 days have not closed as of 30 April
    moved(add_pathway(district, oslo(2025, 2, 2), discharged_at=oslo(2025, 2, 3)), oslo(2025, 3, 1))
    scope = scope_for_organisation(municipality)
    assert counts("nursing-home-90-days", scope) == [(JAN, 1, 3), (FEB, 0, 0), (MAR, 0, 0)]
    # as of 5 April only the first discharge's 90 days (to 3 April) have closed
    assert counts("nursing-home-90-days", scope, as_of=oslo(2025, 4, 5))[0] == (JAN, 1, 1)


def test_admission_report_sent_and_within_3_hours(known, municipality):
    scope = scope_for_organisation(municipality)
    assert counts("hph6-sent", scope) == [(JAN, 2, 3), (FEB, 0, 0), (MAR, 0, 0)]
    assert counts("hph6-within-3-hours", scope) == [(JAN, 1, 3), (FEB, 0, 0), (MAR, 0, 0)]


def test_stop_points_on_time_counts_the_main_checklist(known, municipality):
    # HPH2 + HPH3 + HPH5 (HPH6 is not in the main checklist)
    assert counts("stop-points-on-time", scope_for_organisation(municipality)) == [
        (JAN, 3, 6),
        (FEB, 2, 2),
        (MAR, 1, 2),
    ]


def test_as_of_a_past_time(known, municipality):
    # as of 1 February 18:00: the February HPH2 deadline (3 Feb) has not passed and
    # nothing later is registered yet
    scope = scope_for_organisation(municipality)
    assert counts("hph2-within-3-days", scope, as_of=oslo(2025, 2, 1, 18)) == [
        (JAN, 1, 3),
        (FEB, 0, 0),
        (MAR, 0, 0),
    ]


def test_completion_after_as_of_counts_as_not_done(
    known, municipality, district, add_pathway, add_stop_point
):
    # given a January stop point completed (on time) but registered late in the as-of sense
    late = add_pathway(district, oslo(2025, 1, 28))
    add_stop_point(late, "HPH2", oslo(2025, 1, 31), completed_at=oslo(2025, 1, 30, 9))
    scope = scope_for_organisation(municipality)
    # then as of 30 January 08:00 it is not done and its deadline has not passed
    assert counts("hph2-within-3-days", scope, as_of=oslo(2025, 1, 30, 8))[0] == (JAN, 1, 3)
    # and as of 1 March it is done on time
    assert counts("hph2-within-3-days", scope)[0] == (JAN, 2, 4)


@pytest.mark.parametrize("extra", [1, 12])
def test_one_query_per_measure_whatever_the_number_of_patients(
    extra, default_measures, district, add_pathway, add_stop_point, django_assert_num_queries
):
    # given some pathways
    for i in range(extra):
        p = add_pathway(district, oslo(2025, 1, 2 + i), discharged_at=oslo(2025, 1, 2 + i))
        add_stop_point(p, "HPH2", oslo(2025, 1, 5 + i), completed_at=oslo(2025, 1, 4 + i))
    scope = scope_for_unit(district)
    for measure in Measure.objects.filter(organisation=None):
        # then each measure is one aggregate query
        with django_assert_num_queries(1):
            compute_counts(measure, scope=scope, first=JAN, last=MAR, as_of=oslo(2025, 4, 30))
