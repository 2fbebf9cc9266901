"""``forlop measures`` through call_command, the exports and small-cell suppression."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import load_workbook

from forlop.measures.compute import PeriodCount, Scope
from forlop.measures.models import Measure, ScopeLevel
from forlop.measures.selectors import (
    measure_series,
    measures_for_scope,
    scope_for_unit,
    scope_get_by_code,
    series_points,
)
from forlop.measures.services import manual_value_set, measure_create_manual
from forlop.measures.tests.conftest import oslo

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """These tests compare messages with their English msgids; pages are tested in Norwegian."""
    with translation.override("en"):
        yield


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("measures", *args, stdout=out)
    return out.getvalue()


def test_lists_organisations_without_org(municipality):
    assert "testvik" in run()


def test_unknown_org_fails_clearly(db):
    with pytest.raises(CommandError, match="Unknown organisation 'nope'"):
        run("--org", "nope")


def test_csv_has_one_row_per_measure_and_period(hph2_two_months, municipality):
    text = run("--org", "testvik", "--from", "2025-01", "--to", "2025-03")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == Measure.objects.filter(organisation=None).count() * 3
    hph2 = [r for r in rows if r["measure"] == "hph2-within-3-days"]
    assert [(r["period"], r["numerator"], r["denominator"], r["value"]) for r in hph2] == [
        ("2025-01", "1", "1", "1"),
        ("2025-02", "0", "1", "0"),
        ("2025-03", "0", "0", ""),
    ]
    assert {"x", "cl", "ucl", "runs_signal", "n_crossings_min", "part"} <= set(rows[0])


def test_all_municipalities_in_one_grouped_pass_per_measure(
    hph2_two_months, municipality, other_unit, add_pathway, add_stop_point
):
    """--all-municipalities: every municipality's rows, the same as --org for each, from a
    query count that does not grow with the number of municipalities."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from forlop.core.models import Organisation

    r = add_pathway(other_unit, oslo(2025, 1, 3), discharged_at=oslo(2025, 1, 3))
    add_stop_point(r, "HPH2", oslo(2025, 1, 6))
    args = ("--from", "2025-01", "--to", "2025-02")
    with CaptureQueriesContext(connection) as captured:
        text = run("--all-municipalities", *args)
    rows = list(csv.DictReader(io.StringIO(text)))
    measures = Measure.objects.filter(organisation=None).count()
    assert len(rows) == measures * 2 * 2  # two municipalities, two months
    for code in ("testvik", "andrevik"):
        alone = list(csv.DictReader(io.StringIO(run("--org", code, *args))))
        mine = [row for row in rows if row["scope"] == f"municipality:{code}"]
        assert sorted(mine, key=lambda row: (row["measure"], row["period"])) == sorted(
            alone, key=lambda row: (row["measure"], row["period"])
        )
    hph2 = {
        (row["scope"].split(":")[1], row["period"]): (row["numerator"], row["denominator"])
        for row in rows
        if row["measure"] == "hph2-within-3-days"
    }
    assert hph2[("testvik", "2025-01")] == ("1", "1")
    assert hph2[("andrevik", "2025-01")] == ("0", "1")
    # one more municipality: no more queries of the patient data. The first run built the
    # rollup (one grouped query per measure and the pathways' units, measures/rollup.py);
    # this one finds no change (the change feed's queries) and reads every measure's cells
    # in one query
    Organisation.objects.create(
        kind=Organisation.Kind.MUNICIPALITY, name="Tredje kommune", code="tredje"
    )
    with CaptureQueriesContext(connection) as again:
        run("--all-municipalities", *args)

    def of_data(queries):
        return [q for q in queries if '"pathways_' in q["sql"] or '"goals_' in q["sql"]]

    assert len(of_data(captured.captured_queries)) == measures + 1
    assert len(of_data(again.captured_queries)) == 1  # the touched pathways: none
    cells = [q for q in again.captured_queries if '"measures_measurecell"' in q["sql"]]
    assert len(cells) == 1
    with pytest.raises(CommandError, match="not both"):
        run("--all-municipalities", "--org", "testvik")


def test_json_and_weeks(hph2_two_months):
    text = run("--org", "testvik-nord", "--from", "2025-01", "--to", "2025-01", "--format", "json")
    document = json.loads(text)
    assert document[0]["scope"] == {"level": "unit", "code": "testvik-nord"}
    weekly = run("--org", "testvik", "--from", "2025-01", "--to", "2025-01", "--period", "week")
    assert "2025-W02" in weekly


def test_xlsx_has_a_native_chart_and_formula_text_stays_text(
    hph2_two_months, municipality, tmp_path
):
    measure = measure_create_manual(
        organisation=municipality, code="falls", name="=HYPERLINK(evil)", numerator="Falls"
    )
    manual_value_set(measure=measure, period_start=oslo(2025, 1, 6).date(), numerator=3)
    target = tmp_path / "out.xlsx"
    with translation.override("nb"):
        run(
            "--org",
            "testvik",
            "--from",
            "2025-01",
            "--to",
            "2025-02",
            "--format",
            "xlsx",
            "-o",
            str(target),
        )
    book = load_workbook(target)
    sheet = book["hph2-within-3-days"]
    assert sheet._charts, "a native Excel chart"
    # the period as the screen writes it, and its first day as a real Excel date (issue 10,
    # item 10: it read "2025-01")
    assert [sheet.cell(row, 3).value for row in (6, 7)] == ["jan. 2025", "feb. 2025"]
    assert sheet.cell(6, 4).value.date() == date(2025, 1, 1)
    assert sheet.cell(6, 4).is_date
    assert sheet.cell(6, 4).number_format == "dd.mm.yyyy"
    # headers a person reads, and the proportion as a percentage (issue 10, item 11)
    header = [cell.value for cell in sheet[5]]
    assert header[:8] == [
        "Målepunkt",
        "Omfang",
        "Periode",
        "Første dag i perioden",
        "Teller",
        "Nevner",
        "Verdi",
        "Skjult (små tall)",
    ]
    assert "cl" not in header
    assert "Senterlinje" in header
    value = sheet.cell(6, header.index("Verdi") + 1)
    if value.value is not None:
        assert value.number_format == "0.0 %"
    assert sheet.cell(6, header.index("Skjult (små tall)") + 1).value in ("Ja", "Nei")
    falls = book["falls"]
    assert falls.cell(1, 1).value == "=HYPERLINK(evil)"
    assert falls.cell(1, 1).data_type == "s"
    # a weekly series reads as the screen's weeks, each with its Monday as a date
    weeks = [(r[2].value, r[3].value.date()) for r in falls.iter_rows(min_row=6, max_row=7)]
    assert weeks == [("uke 1 2025", date(2024, 12, 30)), ("uke 2 2025", date(2025, 1, 6))]


def test_xlsx_streams_each_sheet_and_closes_it_before_the_workbook_is_saved(
    hph2_two_months, municipality, monkeypatch
):
    """Write-only mode (issue 16): a sheet's rows go to its file as they are written, so an
    export of every municipality's measures holds one sheet at a time, not every cell."""
    from forlop.measures import exports

    closed_at_save: list[list[bool]] = []

    class Recording(exports.Workbook):
        def save(self, filename):
            closed_at_save.append([sheet.closed for sheet in self.worksheets])
            return super().save(filename)

    monkeypatch.setattr(exports, "Workbook", Recording)
    scope = scope_get_by_code(code="testvik")
    series = [
        measure_series(
            m, scope=scope, first=date(2025, 1, 1), last=date(2025, 2, 28), as_of=oslo(2025, 3, 1)
        )
        for m in measures_for_scope(scope=scope)
    ]
    content = exports.to_xlsx(series)
    assert closed_at_save == [[True] * len(series)]
    assert len(series) > 1
    assert load_workbook(io.BytesIO(content)).sheetnames == [s.measure.code for s in series]


def test_a_scope_across_organisations_suppresses_small_denominators(
    municipality, other_municipality, settings, default_measures
):
    settings.FORLOP_SUPPRESS_BELOW = 5
    # given a scope across two organisations, as plain data (a network's aggregate)
    network = Scope(
        level=ScopeLevel.NETWORK,
        code="vestfold",
        name="Vestfold",
        ids=(municipality.pk, other_municipality.pk),
        across_organisations=True,
    )
    measure = Measure.objects.get(code="hph2-within-3-days")
    counts = [
        PeriodCount(oslo(2025, 1, 1).date(), 2, 4),
        PeriodCount(oslo(2025, 2, 1).date(), 5, 6),
    ]
    points, suppressed = series_points(measure, scope=network, counts=counts)
    assert suppressed == 1
    assert (points[0].numerator, points[0].denominator, points[0].value) == (None, None, None)
    assert points[0].suppressed
    assert (points[1].numerator, points[1].denominator) == (5, 6)


def test_unit_is_not_suppressed(district, default_measures):
    measure = Measure.objects.get(code="hph2-within-3-days")
    points, suppressed = series_points(
        measure, scope=scope_for_unit(district), counts=[PeriodCount(oslo(2025, 1, 1).date(), 1, 2)]
    )
    assert suppressed == 0
    assert points[0].value == 0.5
