"""The measures demo: a history with a shift in HPH2 within 3 days and in the trial's 3-of-4
measure, checked against a count done by hand, idempotent."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from forlop.demo.loader import load_demo
from forlop.demo.measures import MARKER, load_measures_demo
from forlop.demo.testing import demo_load
from forlop.demo.tests.measures_grouped import (
    check_grouped_pass_equals_the_per_scope_computation,
)
from forlop.measures.compute import local_midnight
from forlop.measures.models import Measure
from forlop.measures.selectors import (
    default_window,
    main_checklist_distribution,
    measure_series,
    scope_get_by_code,
    statuses_by_stop_point,
)
from forlop.measures.tests.conftest import oslo
from forlop.pathways.models import Pathway

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 11)  # the day of the other demo tests: one load (or copy) for them all
AS_OF = oslo(2026, 3, 11)


def _by_hand(month: date, as_of: datetime) -> tuple[int, int, dict[int, int]]:
    """The 3-of-4 measure for one month, counted in Python pathway by pathway: (patients with
    at least 3 of the 4 main checklists, settled patients, distribution)."""
    start = local_midnight(month)
    end = local_midnight(date(month.year + month.month // 12, month.month % 12 + 1, 1))
    got, settled, distribution = 0, 0, dict.fromkeys(range(5), 0)
    for pathway in Pathway.objects.filter(
        unit__organisation__code="horten",
        started_at__gte=start,
        started_at__lt=end,
        created_at__lte=as_of,  # as of: registered later, not yet known
    ).prefetch_related("stop_points__definition"):
        main = [
            sp
            for sp in pathway.stop_points.all()
            if sp.definition.main_checklist and sp.occurrence == 1 and sp.created_at <= as_of
        ]
        done = sum(1 for sp in main if sp.completed_at and sp.completed_at <= as_of)
        open_before_deadline = any(
            sp.completed_at is None and sp.ends_at > as_of and sp.not_relevant_at is None
            for sp in main
        )
        if not (pathway.ended_at and pathway.ended_at <= as_of) and (
            len(main) < 4 or open_before_deadline
        ):
            continue
        settled += 1
        got += done >= 3
        distribution[done] += 1
    return got, settled, distribution


def test_demo_history_shows_a_shift_and_is_idempotent():
    # forlop demo loads the history (the first load in this test process, or its copy)
    created = demo_load(today=TODAY)["measure history pathways"]
    assert created > 300
    assert load_measures_demo(today=TODAY) == 0
    measure = Measure.objects.get(code="hph2-within-3-days")
    first, last = default_window(today=TODAY, period="month")
    assert (first, last) == (date(2024, 3, 1), date(2026, 2, 1))  # 24 ended months, not March
    horten = scope_get_by_code(code="horten")
    series = measure_series(measure, scope=horten, first=first, last=last, as_of=AS_OF)
    assert series.result.runs_signal
    assert series.signals[0].startswith("Skift: ")
    # the team's own note, and the demo's PDSA cycles on HPH2 (where each starts, and where
    # the change was adopted)
    assert sorted(note.text for note in series.annotations) == [
        "Innført: Primærkontakten ringer pasienten dagen før hjemkomst",
        "Ny rutine: HPH2-vurdering planlegges før hjemreise",
        "PDSA: Ringe alle med bekreftet utskrivning i en uke",
        "PDSA: Ringe én pasient dagen før hjemkomst",
        "PDSA: Tavlemøte hver morgen i to uker",
        "PDSA: Varsel i PLO-meldingen for en uke",
    ]

    # The trial's measure: patients who got at least 3 of the 4 main checklists.
    three_of_four = Measure.objects.get(code="main-checklists-3-of-4")
    series = measure_series(three_of_four, scope=horten, first=first, last=last, as_of=AS_OF)
    by_month = {point.period_start: point for point in series.points}
    for month in (date(2024, 6, 1), date(2025, 1, 1), date(2025, 9, 1), date(2026, 2, 1)):
        got, settled, _distribution = _by_hand(month, AS_OF)
        assert settled > 0
        assert (by_month[month].numerator, by_month[month].denominator) == (got, settled)
    # About a third before the annotated change, most patients after it.
    before = [p for p in series.points if p.period_start < date(2025, 3, 1)]
    after = [p for p in series.points if p.period_start >= date(2025, 4, 1)]
    share_before = sum(p.numerator for p in before) / sum(p.denominator for p in before)
    share_after = sum(p.numerator for p in after) / sum(p.denominator for p in after)
    assert 0.25 < share_before < 0.45
    assert share_after > 0.7
    assert series.result.runs_signal
    assert len(series.annotations) == 1
    # The distribution 0-4 of one month, by hand and by the aggregate.
    month = date(2024, 6, 1)
    _got, settled, distribution = _by_hand(month, AS_OF)
    rows = main_checklist_distribution(scope=horten, first=month, last=month, as_of=AS_OF)
    assert [(row.done, row.count) for row in rows] == sorted(distribution.items())
    assert sum(row.count or 0 for row in rows) == settled

    # Every status side by side: the adherence denominator and what is shown beside it.
    (hph2,) = statuses_by_stop_point(measure, scope=horten, first=first, last=last, as_of=AS_OF)
    series = measure_series(measure, scope=horten, first=first, last=last, as_of=AS_OF)
    assert hph2.code == "HPH2"
    assert hph2.on_time == sum(p.numerator for p in series.points)
    assert hph2.due == sum(p.denominator for p in series.points)
    assert hph2.due == hph2.on_time + hph2.late + hph2.missed
    assert hph2.missed > 0
    assert hph2.late > 0
    assert (hph2.interrupted, hph2.not_relevant, hph2.open) == (0, 0, 0)
    assert Pathway.objects.filter(end_reason=MARKER, ready_for_discharge_at=None).count() == 0

    # Every measure for every unit and municipality in one grouped pass: the same numbers.
    check_grouped_pass_equals_the_per_scope_computation()


@pytest.mark.django_db(transaction=True)
def test_demo_history_updates_plan_without_a_join_when_statistics_say_empty():
    """The history's "created when it happened" UPDATE statements select rows by id, never through a join.

    With statistics taken while the tables were empty (a new database, or autovacuum between
    test transactions), PostgreSQL planned the old "id IN (SELECT ... JOIN pathways_pathway)" as
    nested loops over every row and ran past the 60 s statement timeout on a busy machine.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner and statistics")
    from forlop.demo.measures import MARKER
    from forlop.pathways.models import ChecklistAnswer, Pathway, PathwayEvent, StopPoint

    load_demo(today=TODAY)
    # Remove the history again: its dead rows stay in the pages, as after rolled-back tests, and
    # the statistics see only the current demo pathways, none with the history's marker.
    PathwayEvent.objects.filter(pathway__end_reason=MARKER).delete()
    ChecklistAnswer.objects.filter(stop_point__pathway__end_reason=MARKER).delete()
    StopPoint.objects.filter(pathway__end_reason=MARKER).delete()
    Pathway.objects.filter(end_reason=MARKER).delete()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE pathways_pathway, pathways_stoppoint, pathways_pathwayevent")
    plans: list[str] = []

    def explain_updates(execute, sql, params, many, context):
        if sql.startswith("UPDATE") and '"created_at"' in sql:
            context["cursor"].execute("EXPLAIN " + sql, params)
            plans.append("\n".join(row[0] for row in context["cursor"].fetchall()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(explain_updates):
        assert load_measures_demo(today=TODAY) > 300
    # pathways, stop points, events, the readmissions' hospital stays, the IPLOS answers
    assert len(plans) == 5
    assert [plan for plan in plans if "Join" in plan or "Nested Loop" in plan] == []
