"""The maintained rollup (measures/rollup.py): equal to the grouped pass for every shipped
measure, stale after a change through a service or the passing of time until refreshed, and
read for every municipality in two queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forlop.core.models import Organisation, Unit
from forlop.measures.compute import Scope, compute_counts_grouped
from forlop.measures.models import MeasureRollup
from forlop.measures.rollup import (
    counts_equal,
    rollup_counts,
    rollup_measures,
    rollup_rebuild,
    rollup_refresh,
)
from forlop.measures.selectors import scope_for_organisation, scope_for_unit
from forlop.measures.tests.conftest import oslo

pytestmark = pytest.mark.django_db

# The patient fixture is served from 2026-01-01, so the service writes happen in 2026.
FIRST, LAST = date(2024, 12, 1), date(2026, 4, 30)


def _differences(scopes: list[Scope], *codes: str) -> list[tuple[str, str]]:
    """(measure, scope) pairs where the rollup and the live grouped pass as of the rollup's
    time differ, for every measure (or those of ``codes``)."""
    measures = [m for m in rollup_measures() if not codes or m.code in codes]
    read = rollup_counts(measures, scopes=scopes, first=FIRST, last=LAST)
    assert read is not None
    out = []
    for measure in measures:
        live = compute_counts_grouped(
            measure, scopes=scopes, first=FIRST, last=LAST, as_of=read.as_of
        )
        mine = read.counts[measure.pk]
        out += [
            (measure.code, s.code) for s in scopes if not counts_equal(live[s.code], mine[s.code])
        ]
    return out


@pytest.mark.clock("2026-03-15T12:00:00+01:00", tick=False)
def test_rollup_equals_the_grouped_pass_and_follows_changes(
    clock,
    hph2_two_months,
    district,
    other_unit,
    add_pathway,
    add_stop_point,
    add_admission,
    patient,
    nurse,
    start_hph,
):
    r = add_pathway(other_unit, oslo(2025, 1, 3), discharged_at=oslo(2025, 1, 3))
    add_stop_point(r, "HPH2", oslo(2025, 1, 6), completed_at=oslo(2025, 1, 9))
    add_admission(r, oslo(2025, 1, 20))
    municipalities = [
        scope_for_organisation(o)
        for o in Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)
    ]
    units = [scope_for_unit(u) for u in Unit.objects.all()]
    rollup_rebuild(first=FIRST, last=LAST, as_of=timezone.now())
    assert _differences(municipalities) == []
    assert _differences(units) == []
    # the read of every measure for every municipality: the states and the cells
    measures = list(rollup_measures())
    with CaptureQueriesContext(connection) as read:
        rollup_counts(measures, scopes=municipalities, first=FIRST, last=LAST)
    assert len(read.captured_queries) == 2
    # a pathway started through the service: its audit row is the change
    start_hph(patient, district, nurse, at=oslo(2026, 3, 10))
    later = oslo(2026, 4, 25)  # its HPH2's deadline and its 30-day window have passed
    clock.move_to(later)
    stale = rollup_counts(measures, scopes=municipalities, first=FIRST, last=LAST)
    assert stale is not None
    assert stale.as_of == oslo(2026, 3, 15)  # what a page says: computed then
    hph2 = next(m for m in measures if m.code == "hph2-within-3-days")
    live = compute_counts_grouped(hph2, scopes=municipalities, first=FIRST, last=LAST, as_of=later)
    assert live != stale.counts[hph2.pk]  # its HPH2 is now due, and counted live
    report = rollup_refresh(now=later)
    assert (report.units, report.rebuilt) == (1, ())  # only the district's cells
    assert set(MeasureRollup.objects.values_list("as_of", flat=True)) == {later}
    assert _differences(municipalities) == []
    # nothing changed since: a refresh writes no cell
    assert rollup_refresh(now=later + timedelta(minutes=1)).cells == 0
    # no write, but the new pathway's 90-day windows after its discharge end: time alone
    clock.move_to(oslo(2026, 6, 14))
    assert rollup_refresh(now=timezone.now()).units == 1
    assert _differences(municipalities, "days-at-home-90-days", "nursing-home-90-days") == []
