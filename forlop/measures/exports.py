"""Exports of measure series: CSV, JSON and Excel (xlsx with a native line chart).

One row per measure and period: numerator, denominator, value and the SPC columns as in
``forlop spc`` (x, y, n, cl, lcl, ucl, sigma_signal, runs_signal, longest_run,
longest_run_max, n_crossings, n_crossings_min, part). Suppressed cells are empty.

CSV and JSON keep these machine names (scripts read them). Excel is read by people: its
headers are in the user's language, proportions are percentages (Excel's percent format on
the stored fraction), the period reads as on the screen ("des. 2025", "uke 3 2025") with its
first day beside it as a real Excel date (to sort and filter by), and the annotations follow the
rows. A text cell that starts with
= + - or @ is always written as a string cell, never a formula (CSV/formula injection).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext, gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.chart import LineChart, Reference

from forlop.measures.management.commands.spc import CSV_COLUMNS, point_record
from forlop.measures.selectors import Series

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

COLUMNS: tuple[str, ...] = (
    "measure",
    "scope",
    "period",
    "numerator",
    "denominator",
    "value",
    "suppressed",
    *CSV_COLUMNS,
)
#: Excel's columns: the period as on the screen, then its first day as a date cell.
XLSX_COLUMNS: tuple[str, ...] = (
    *COLUMNS[: COLUMNS.index("period") + 1],
    "period_start",
    *COLUMNS[COLUMNS.index("period") + 1 :],
)
FORMULA_PREFIXES = ("=", "+", "-", "@")

#: Excel's column headers, as the improvement team reads them.
COLUMN_LABELS: dict[str, Any] = {
    "measure": gettext_lazy("Measure"),
    "scope": gettext_lazy("Scope"),
    "period": gettext_lazy("Period"),
    "period_start": gettext_lazy("First day of the period"),
    "numerator": gettext_lazy("Numerator"),
    "denominator": gettext_lazy("Denominator"),
    "value": gettext_lazy("Value"),
    "suppressed": gettext_lazy("Suppressed (small numbers)"),
    "x": gettext_lazy("Point number"),
    "y": gettext_lazy("Value in the chart"),
    "n": gettext_lazy("Count (n)"),
    "cl": gettext_lazy("Centre line"),
    "lcl": gettext_lazy("Lower control limit"),
    "ucl": gettext_lazy("Upper control limit"),
    "sigma_signal": gettext_lazy("Outside the control limits"),
    "runs_signal": gettext_lazy("Shift (long run)"),
    "longest_run": gettext_lazy("Longest run"),
    "longest_run_max": gettext_lazy("Longest run allowed"),
    "n_crossings": gettext_lazy("Crossings of the centre line"),
    "n_crossings_min": gettext_lazy("Fewest crossings expected"),
    "part": gettext_lazy("Part"),
}
#: Columns that hold the measure's value; a proportion's are shown as percentages.
VALUE_COLUMNS = ("value", "y", "cl", "lcl", "ucl")
PERCENT_FORMAT = "0.0 %"
DATE_FORMAT = "dd.mm.yyyy"


def series_rows(series: Series) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for point, spc_point in zip(series.points, series.result.points, strict=True):
        record = point_record(series.result, spc_point)
        rows.append(
            {
                "measure": series.measure.code,
                "scope": f"{series.scope.level}:{series.scope.code}",
                "period": point.label,
                "numerator": point.numerator,
                "denominator": point.denominator,
                "value": point.value,
                "suppressed": point.suppressed,
                **record,
            }
        )
    return rows


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def to_csv(all_series: Sequence[Series]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for series in all_series:
        for row in series_rows(series):
            writer.writerow([_csv_cell(row[column]) for column in COLUMNS])
    return buffer.getvalue()


def to_json(all_series: Sequence[Series]) -> str:
    document = [
        {
            "measure": series.measure.code,
            "name": series.measure.name,
            "scope": {"level": series.scope.level, "code": series.scope.code},
            "period": series.measure.period,
            "chart": series.chart,
            "as_of": series.as_of.isoformat(),
            "target": series.measure.target,
            "signals": list(series.signals),
            "suppress_below": series.suppress_below if series.suppressed_count else None,
            "annotations": [
                {"date": a.date.isoformat(), "text": a.text, "part_ends_here": a.part_ends_here}
                for a in series.annotations
            ],
            "rows": series_rows(series),
        }
        for series in all_series
    ]
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def safe_text_cell(cell: Cell, text: str) -> None:
    """Write text that Excel will never evaluate as a formula."""
    cell.value = text
    cell.data_type = "s"


def _cell(sheet: WriteOnlyWorksheet, value: Any, number_format: str | None = None) -> Cell:
    cell = WriteOnlyCell(sheet)
    if isinstance(value, str):
        safe_text_cell(cell, value)
    else:
        cell.value = value
    if number_format is not None:
        cell.number_format = number_format
    return cell


def _sheet_title(text: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", "-", text)[:28] or "measure"
    title, number = base, 2
    while title in used:
        title, number = f"{base[:25]}-{number}", number + 1
    used.add(title)
    return title


def _write_series(sheet: WriteOnlyWorksheet, series: Series) -> None:
    """One measure's sheet, row by row from the top (write-only: a row is written once, in
    order): name, scope, signals, a blank row, the headers in row 5, a row per period, the
    annotations after a blank row, and the chart below them."""
    sheet.append([_cell(sheet, gettext(series.measure.name))])
    sheet.append([_cell(sheet, f"{series.scope.name} ({series.scope.level}:{series.scope.code})")])
    sheet.append([_cell(sheet, " ".join(series.signals))])
    sheet.append([])
    header_row = 5
    sheet.append([_cell(sheet, str(COLUMN_LABELS[name])) for name in XLSX_COLUMNS])
    rows = series_rows(series)
    percent = bool(series.measure.is_proportion)
    for row, point in zip(rows, series.points, strict=True):
        shown = {**row, "period": point.display or point.label, "period_start": point.period_start}
        cells = []
        for name in XLSX_COLUMNS:
            value = shown[name]
            if isinstance(value, bool):
                value = gettext("Yes") if value else gettext("No")
            number_format = None
            if name == "period_start":
                number_format = DATE_FORMAT
            elif percent and name in VALUE_COLUMNS and isinstance(value, int | float):
                number_format = PERCENT_FORMAT
            cells.append(_cell(sheet, value, number_format))
        sheet.append(cells)
    last = header_row + len(rows)
    if series.annotations:
        sheet.append([])
        sheet.append([_cell(sheet, gettext("Annotations"))])
        for note in series.annotations:
            sheet.append([_cell(sheet, note.date.strftime("%d.%m.%Y")), _cell(sheet, note.text)])
        last += 2 + len(series.annotations)
    if rows:
        chart = LineChart()
        chart.title = gettext(series.measure.name)[:80]
        chart.y_axis.title = str(COLUMN_LABELS["value"])
        chart.x_axis.title = str(COLUMN_LABELS["period"])
        first, last_row = header_row + 1, header_row + len(rows)
        y_column = XLSX_COLUMNS.index("y") + 1
        cl_column = XLSX_COLUMNS.index("cl") + 1
        for column in (y_column, cl_column):
            data = Reference(sheet, min_col=column, min_row=header_row, max_row=last_row)
            chart.add_data(data, titles_from_data=True)
        period_column = XLSX_COLUMNS.index("period") + 1
        chart.set_categories(
            Reference(sheet, min_col=period_column, min_row=first, max_row=last_row)
        )
        chart.width, chart.height = 24, 10
        sheet.add_chart(chart, f"B{last + 3}")


def to_xlsx(all_series: Sequence[Series]) -> bytes:
    """The workbook in openpyxl's write-only mode: each sheet is streamed to a temporary file
    and closed when it is written, so memory holds one sheet's rows, not every cell of every
    sheet (every municipality's measures are thousands of sheets; issue 16)."""
    workbook = Workbook(write_only=True)
    used: set[str] = set()
    for series in all_series:
        sheet = workbook.create_sheet(_sheet_title(series.measure.code, used))
        _write_series(sheet, series)
        sheet.close()  # its XML is complete; frees the rows and the open file
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
