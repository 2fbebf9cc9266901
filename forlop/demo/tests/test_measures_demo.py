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
