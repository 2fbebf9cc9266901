"""Days at home after discharge and the IPLOS change from HPH2 to HPH5, each checked
against a count done by hand on a small dataset (issue 9 item 5). Database-agnostic."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from forlop.measures.compute import compute_counts, compute_windows_not_over
from forlop.measures.models import Measure
from forlop.measures.selectors import scope_for_organisation
from forlop.measures.tests.conftest import oslo
from forlop.pathways.models import ChecklistAnswer, Pathway, PathwayEvent, StopPoint
from forlop.patients.models import HospitalStay

pytestmark = pytest.mark.django_db

JAN, FEB, MAR, APR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1), date(2025, 4, 1)
AS_OF = oslo(2025, 4, 30)


def counts(code: str, scope, *, as_of: datetime = AS_OF) -> list[tuple[date, float, float]]:
    measure = Measure.objects.get(organisation=None, code=code)
    rows = compute_counts(measure, scope=scope, first=JAN, last=APR, as_of=as_of)
    return [(row.period_start, round(row.numerator, 6), row.denominator) for row in rows]


def _stay(pathway: Pathway, ward, admitted: datetime, discharged: datetime | None) -> None:
    stay = HospitalStay.objects.create(
        patient=pathway.patient, ward=ward, admitted_at=admitted, discharged_at=discharged
    )
    HospitalStay.objects.filter(pk=stay.pk).update(created_at=admitted)


def _event(pathway: Pathway, kind: str, on: datetime, **extra) -> None:
    event = PathwayEvent.objects.create(
        patient=pathway.patient, pathway=pathway, kind=kind, occurred_at=on, **extra
    )
    PathwayEvent.objects.filter(pk=event.pk).update(created_at=on)


@pytest.fixture
def discharges(default_measures, district, other_unit, ward, add_pathway):
    """January discharges at noon with what happened next, and the days at home counted by
    hand (30-day window, 90-day window)."""

    def discharged(day: int, **timeline) -> Pathway:
        pathway = add_pathway(district, oslo(2025, 1, day - 1), discharged_at=oslo(2025, 1, day))
        Pathway.objects.filter(pk=pathway.pk).update(**{"arrived_home_at": None, **timeline})
        pathway.refresh_from_db()
        return pathway

    # A: home all the time (30 | 90)
    discharged(2)
    # B: a short stay from the discharge, home on 5 January: 2 days away (28 | 88)
    discharged(
        3,
        short_stay_kind="short_term",
        short_stay_started_at=oslo(2025, 1, 3),
        arrived_home_at=oslo(2025, 1, 5),
    )
    # C: readmitted 10-15 January: 5 days away (25 | 85); the admission event itself adds
    # nothing, the stay is what counts
    c = discharged(4)
    _stay(c, ward, oslo(2025, 1, 10), oslo(2025, 1, 15))
    _event(c, "admission", oslo(2025, 1, 10))
    # D: readmitted 20 January and died there on 25 January: home 15 days, counted once (15 | 15)
    d = discharged(5)
    _stay(d, ward, oslo(2025, 1, 20), oslo(2025, 1, 25))
    _event(d, "death", oslo(2025, 1, 25))
    # E: admitted 30 January and still in hospital: the open stay runs to the window's end
    # (24 | 24)
    e = discharged(6)
    _stay(e, ward, oslo(2025, 1, 30), None)
    # F: moved to a nursing home on 17 January (10 | 10)
    f = discharged(7)
    _event(f, "nursing_home", oslo(2025, 1, 17))
    # G: the stay the pathway started from ends at the discharge: not a day away (30 | 90)
    g = discharged(8)
    _stay(g, ward, oslo(2025, 1, 1), oslo(2025, 1, 8))
    # H: readmitted 3-20 February, across the 30-day window's end (8 Feb): (25 | 73)
    h = discharged(9)
    _stay(h, ward, oslo(2025, 2, 3), oslo(2025, 2, 20))
    # I: a short stay with no arrival home registered: away the whole window (0 | 0)
    discharged(10, short_stay_kind="kad", short_stay_started_at=oslo(2025, 1, 10))
    # W: a death withdrawn as recorded in error does not count (30 | 90)
    w = discharged(11)
    _event(w, "death", oslo(2025, 1, 20), withdrawn_at=oslo(2025, 1, 21))
    # Not over: discharged 15 April, its 30 days end 15 May (after the as-of time)
    discharged_late = add_pathway(district, oslo(2025, 4, 14), discharged_at=oslo(2025, 4, 15))
    _stay(discharged_late, ward, oslo(2025, 4, 20), oslo(2025, 4, 22))
    # Not a discharge: a decline at home has no window
    add_pathway(district, oslo(2025, 1, 12), start_reason="decline")
    # Noise: another municipality's discharge
    add_pathway(other_unit, oslo(2025, 1, 2), discharged_at=oslo(2025, 1, 3))


def test_days_at_home_in_30_days_counted_by_hand(discharges, municipality):
    # by hand: A30 B28 C25 D15 E24 F10 G30 H25 I0 W30 = 217 days over 10 pathways
    scope = scope_for_organisation(municipality)
    assert counts("days-at-home-30-days", scope) == [
        (JAN, 217.0, 10.0),
        (FEB, 0.0, 0.0),
        (MAR, 0.0, 0.0),
        (APR, 0.0, 0.0),
    ]


def test_days_at_home_in_90_days_counted_by_hand(discharges, municipality):
    # by hand: A90 B88 C85 D15 E24 F10 G90 H73 I0 W90 = 565 days over 10 pathways
    scope = scope_for_organisation(municipality)
    assert counts("days-at-home-90-days", scope)[0] == (JAN, 565.0, 10.0)


def test_a_window_not_over_is_left_out_and_counted_beside(discharges, municipality):
    scope = scope_for_organisation(municipality)
    measure = Measure.objects.get(organisation=None, code="days-at-home-30-days")
    # the April discharge is in no denominator, and shown as one whose window is not over
    assert compute_windows_not_over(measure, scope=scope, first=JAN, last=APR, as_of=AS_OF) == 1
    # as of 20 February the 90-day windows of January are not over: none counted, ten waiting
    as_of = oslo(2025, 2, 20)
    ninety = Measure.objects.get(organisation=None, code="days-at-home-90-days")
    assert counts("days-at-home-90-days", scope, as_of=as_of)[0] == (JAN, 0.0, 0.0)
    assert compute_windows_not_over(ninety, scope=scope, first=JAN, last=APR, as_of=as_of) == 10
    # and the same count for the readmission measure's 30 days
    readmission = Measure.objects.get(organisation=None, code="readmission-30-days")
    assert compute_windows_not_over(readmission, scope=scope, first=JAN, last=APR, as_of=AS_OF) == 1


def test_a_stay_recorded_after_the_as_of_time_does_not_count(discharges, municipality):
    # as of 10 February (C's and H's stays recorded; a later stay for A is not yet)
    a = Pathway.objects.get(discharged_at=oslo(2025, 1, 2))
    stay = HospitalStay.objects.create(
        patient=a.patient,
        ward=HospitalStay.objects.first().ward,
        admitted_at=oslo(2025, 1, 20),
        discharged_at=oslo(2025, 1, 22),
    )
    HospitalStay.objects.filter(pk=stay.pk).update(created_at=oslo(2025, 3, 1))
    scope = scope_for_organisation(municipality)
    # as of 1 April A's stay counts (2 days fewer); as of 28 February it does not
    assert counts("days-at-home-30-days", scope, as_of=oslo(2025, 4, 1))[0] == (JAN, 215.0, 10.0)
    assert counts("days-at-home-30-days", scope, as_of=oslo(2025, 2, 28))[0] == (JAN, 217.0, 10.0)


def test_an_admission_without_a_hospital_stay_counts_to_the_return_home(
    discharges, municipality, district, ward, add_pathway
):
    """Home care's "admitted to hospital" with no hospital stay recorded over it: away from
    the admission to the return home (or to the as-of time); where a stay overlaps that
    time, the stay counts instead, never both."""

    def discharged(day: int) -> Pathway:
        pathway = add_pathway(district, oslo(2025, 1, day - 1), discharged_at=oslo(2025, 1, day))
        Pathway.objects.filter(pk=pathway.pk).update(arrived_home_at=None)
        return pathway

    # J: admitted 14 January at noon, home again 17 January at midnight: 2.5 days (27.5 | 87.5)
    j = discharged(12)
    _event(j, "admission", oslo(2025, 1, 14, 12))
    _event(j, "return_home", oslo(2025, 1, 17, 0))
    # K: admitted 1 February, no return recorded: away to the window's end (19 | 19)
    k = discharged(13)
    _event(k, "admission", oslo(2025, 2, 1))
    # L: home care records the admission at 10:00, the hospital's stay starts at 11:00 and
    # ends 22 January at 11:00: the stay's 2 days, not the event's (28 | 88)
    ell = discharged(14)
    _event(ell, "admission", oslo(2025, 1, 20, 10))
    _stay(ell, ward, oslo(2025, 1, 20, 11), oslo(2025, 1, 22, 11))
    _event(ell, "return_home", oslo(2025, 1, 22, 12))
    scope = scope_for_organisation(municipality)
    # by hand: 217 (A-W) + J 27.5 + K 19 + L 28 = 291.5 over 13 pathways
    assert counts("days-at-home-30-days", scope)[0] == (JAN, 291.5, 13.0)
    # by hand: 565 + J 87.5 + K 19 + L 88 = 759.5
    assert counts("days-at-home-90-days", scope)[0] == (JAN, 759.5, 13.0)
    # the return home withdrawn as recorded in error: J away from 14 January to the next
    # admission-or-return (none): to the window's end, 11 February (2 days at home)
    PathwayEvent.objects.filter(pathway=j, kind="return_home").update(
        withdrawn_at=oslo(2025, 1, 18)
    )
    assert counts("days-at-home-30-days", scope)[0] == (JAN, 291.5 - 27.5 + 2.0, 13.0)


# --------------------------------------------------------------------------------------------
# IPLOS from HPH2 to HPH5
# --------------------------------------------------------------------------------------------


@pytest.fixture
def iplos(default_measures, district, hph_version, add_pathway, add_stop_point, nurse):
    def score(stop_point: StopPoint, value) -> None:
        item = stop_point.definition.items.get(key="iplos-skar")
        answer = ChecklistAnswer.objects.create(
            stop_point=stop_point,
            item=item,
            value=value,
            answered_by=nurse,
            answered_at=stop_point.completed_at or stop_point.due_at,
        )
        ChecklistAnswer.objects.filter(pk=answer.pk).update(
            created_at=stop_point.completed_at or stop_point.due_at
        )

    def pathway(day: int, first, then, *, hph5_done: datetime | None) -> Pathway:
        p = add_pathway(district, oslo(2025, 1, day), discharged_at=oslo(2025, 1, day))
        hph2 = add_stop_point(
            p, "HPH2", oslo(2025, 1, day + 3), completed_at=oslo(2025, 1, day + 2)
        )
        hph5 = add_stop_point(
            p, "HPH5", oslo(2025, 1, day) + timedelta(days=28), completed_at=hph5_done
        )
        if first is not None:
            score(hph2, first)
        if then is not None:
            score(hph5, then)
        return p

    # by hand: February: 3 -> 2.5 (-0.5) and 4 -> 5 (+1); March: 2 -> 1 (-1)
    pathway(2, 3, 2.5, hph5_done=oslo(2025, 2, 1))
    pathway(3, 4, 5, hph5_done=oslo(2025, 2, 10))
    pathway(4, 2, 1, hph5_done=oslo(2025, 3, 3))
    # left out: HPH5 not completed; no score at HPH2; HPH5 completed after the as-of time
    pathway(5, 3, 4, hph5_done=None)
    pathway(6, None, 2, hph5_done=oslo(2025, 2, 12))
    pathway(7, 1, 3, hph5_done=oslo(2025, 5, 2))


def test_iplos_change_counted_by_hand(iplos, municipality):
    scope = scope_for_organisation(municipality)
    assert counts("iplos-change-hph2-hph5", scope) == [
        (JAN, 0.0, 0.0),
        (FEB, 0.5, 2.0),
        (MAR, -1.0, 1.0),
        (APR, 0.0, 0.0),
    ]


@pytest.mark.parametrize("extra", [1, 6])
def test_one_query_per_outcome_measure_whatever_the_number_of_patients(
    extra, default_measures, district, ward, add_pathway, django_assert_num_queries
):
    for i in range(extra):
        p = add_pathway(district, oslo(2025, 1, 2 + i), discharged_at=oslo(2025, 1, 3 + i))
        _stay(p, ward, oslo(2025, 1, 10 + i), oslo(2025, 1, 12 + i))
        _event(p, "death", oslo(2025, 1, 20 + i))
    scope = scope_for_organisation(district.organisation)
    for code in ("days-at-home-30-days", "days-at-home-90-days", "iplos-change-hph2-hph5"):
        measure = Measure.objects.get(organisation=None, code=code)
        with django_assert_num_queries(1):
            compute_counts(measure, scope=scope, first=JAN, last=APR, as_of=AS_OF)
        if code.startswith("days-at-home"):
            with django_assert_num_queries(1):
                compute_windows_not_over(measure, scope=scope, first=JAN, last=APR, as_of=AS_OF)
