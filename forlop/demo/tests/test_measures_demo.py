"""The measures demo: a history with a shift in HPH2 within 3 days, idempotent."""

from __future__ import annotations

from datetime import date

import pytest

from forlop.demo.loader import load_demo
from forlop.demo.measures import load_measures_demo
from forlop.measures.models import Measure
from forlop.measures.selectors import default_window, measure_series, scope_get_by_code
from forlop.measures.tests.conftest import oslo

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 15)


def test_demo_history_shows_a_shift_and_is_idempotent():
    created = load_demo(today=TODAY)["measure history pathways"]  # forlop demo loads the history
    assert created > 300
    assert load_measures_demo(today=TODAY) == 0
    measure = Measure.objects.get(code="hph2-within-3-days")
    first, last = default_window(today=TODAY, period="month")
    assert (first, last) == (date(2024, 3, 1), date(2026, 2, 1))  # 24 ended months, not March
    series = measure_series(
        measure,
        scope=scope_get_by_code(code="horten"),
        first=first,
        last=last,
        as_of=oslo(2026, 3, 15),
    )
    assert series.result.runs_signal
    assert series.signals[0].startswith("Skift: 9 punkter på rad over medianen")
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
    from forlop.pathways.models import Pathway, PathwayEvent, StopPoint

    load_demo(today=TODAY)
    # Remove the history again: its dead rows stay in the pages, as after rolled-back tests, and
    # the statistics see only the current demo pathways, none with the history's marker.
    PathwayEvent.objects.filter(pathway__end_reason=MARKER).delete()
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
    assert len(plans) == 3
    assert [plan for plan in plans if "Join" in plan or "Nested Loop" in plan] == []
