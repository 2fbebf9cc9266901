"""Measures for many scopes in one grouped pass (issue 16) give, on the demo data, exactly the
numbers of the per-scope computation, for every default measure and every unit and
municipality with pathways (and one of each without), with a query count that does not grow
with the number of scopes. Run from ``test_measures_demo`` on its demo load."""

from __future__ import annotations

import dataclasses
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from forlop.core.models import Organisation, Unit
from forlop.measures.compute import compute_counts, compute_counts_grouped
from forlop.measures.models import Measure
from forlop.measures.selectors import (
    default_window,
    measure_series,
    measure_series_grouped,
    scope_for_organisation,
    scope_for_unit,
)
from forlop.measures.tests.conftest import oslo

TODAY = date(2026, 3, 11)  # the day of the other demo tests: one load (or copy) for them all
AS_OF = oslo(2026, 3, 11)


def check_grouped_pass_equals_the_per_scope_computation() -> None:
    """Called by ``test_measures_demo`` after its demo load (one load for both: the demo is
    the suite's most expensive fixture)."""
    # The municipalities and units with pathways, and one of each without (all zero).
    with_data = Organisation.objects.filter(
        kind=Organisation.Kind.MUNICIPALITY, units__pathways__isnull=False
    ).distinct()
    empty = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY).exclude(
        pk__in=with_data
    )
    municipalities = [
        scope_for_organisation(org)
        for org in [*with_data.order_by("code"), *empty.order_by("code")[:1]]
    ]
    used = Unit.objects.filter(pathways__isnull=False).distinct()
    units = [
        scope_for_unit(unit)
        for unit in [
            *used.order_by("code"),
            *Unit.objects.exclude(pk__in=used).order_by("code")[:1],
        ]
    ]
    assert len(municipalities) >= 2
    assert len(units) >= 3
    measures = list(Measure.objects.filter(organisation__isnull=True).order_by("code"))
    assert len(measures) >= 10
    compared = nonzero = 0
    for measure in measures:
        first, last = default_window(today=TODAY, period=measure.period)
        for scopes in (municipalities, units):
            grouped = compute_counts_grouped(
                measure, scopes=scopes, first=first, last=last, as_of=AS_OF
            )
            assert sorted(grouped) == sorted(scope.code for scope in scopes)
            for scope in scopes:
                alone = compute_counts(measure, scope=scope, first=first, last=last, as_of=AS_OF)
                assert grouped[scope.code] == alone, (measure.code, scope.code)
                compared += 1
                nonzero += any(count.denominator for count in alone)
    assert compared == len(measures) * (len(municipalities) + len(units))
    # The demo gives most measures numbers somewhere: the comparison is not of empty series.
    assert nonzero > compared // 3

    # One query per measure and level, whatever the number of scopes: one municipality costs
    # as many queries as all of them, and so do one unit and every unit.
    for measure in measures:
        first, last = default_window(today=TODAY, period=measure.period)
        counts = []
        for scopes in (
            municipalities[:1],
            municipalities,
            units[:1],
            units,
            units + municipalities,
        ):
            with CaptureQueriesContext(connection) as captured:
                compute_counts_grouped(measure, scopes=scopes, first=first, last=last, as_of=AS_OF)
            counts.append(len(captured.captured_queries))
        expected = 1 if measure.computation == "manual" else 2
        assert counts == [1, 1, 1, 1, expected], measure.code

    # The series built on the grouped pass: the same points, signals and suppression as one
    # series per scope, seen from outside the organisations (the network page).
    measure = Measure.objects.get(code="main-checklists-3-of-4")
    first, last = default_window(today=TODAY, period=measure.period)
    across = [dataclasses.replace(scope, across_organisations=True) for scope in municipalities]
    with CaptureQueriesContext(connection) as captured:
        all_series = measure_series_grouped(
            measure, scopes=across, first=first, last=last, as_of=AS_OF, notes={}
        )
    assert len(captured.captured_queries) == 2  # the counts, and the closed periods' snapshots
    for scope in across:
        alone = measure_series(measure, scope=scope, first=first, last=last, as_of=AS_OF, notes=())
        assert all_series[scope.code].points == alone.points
        assert all_series[scope.code].signals == alone.signals
        assert all_series[scope.code].suppressed_count == alone.suppressed_count
    horten = all_series["horten"]
    assert sum(point.denominator or 0 for point in horten.points) > 100
