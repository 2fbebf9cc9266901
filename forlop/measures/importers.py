"""Import a hand-registered series from CSV or an Excel sheet: all or nothing.

Columns (header row, case-insensitive): ``period`` (a date, YYYY-MM-DD or YYYY-MM),
``value`` (a number), optional ``denominator`` and ``comment``. Every row is checked first and
every error names its row number; nothing is written unless every row is valid. Text that
starts with = + - or @ is stored as plain text (it is never evaluated, and the Excel export
writes it as a string cell). Excel formulas are read as their text, never as results.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from forlop.core.models import User
from forlop.measures.management.commands.spc import parse_number
from forlop.measures.models import Measure
from forlop.measures.services import manual_value_set

REQUIRED = ("period", "value")
MAX_ROWS = 5000


@dataclass(frozen=True, slots=True)
class Row:
    number: int
    period_start: date
    value: float
    denominator: float | None
    comment: str


def _read_csv(content: bytes) -> list[tuple[int, dict[str, Any]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not UTF-8 text (save it as CSV UTF-8).")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None) or []
    columns = [cell.strip().lower() for cell in header]
    rows = []
    for cells in reader:
        if any(cell.strip() for cell in cells):
            rows.append((reader.line_num, dict(zip(columns, cells, strict=False))))  # noqa: PERF401 - line_num is read per row
    return [(1, {c: c for c in columns}), *rows]


def _read_xlsx(content: bytes) -> list[tuple[int, dict[str, Any]]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ValidationError(_("The file is not a readable Excel workbook.")) from error
    sheet = book.worksheets[0]
    rows_iter = sheet.iter_rows(values_only=True)
    header = next(rows_iter, None) or ()
    columns = [str(cell or "").strip().lower() for cell in header]
    rows = []
    for number, cells in enumerate(rows_iter, start=2):
        if any(cell not in (None, "") for cell in cells):
            rows.append((number, dict(zip(columns, cells, strict=False))))
    book.close()
    return [(1, {c: c for c in columns}), *rows]


def _parse_period(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for pattern in ("%Y-%m-%d", "%Y-%m", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ValueError(text)


def _parse_number(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        return float(value)
    return parse_number(str(value))


def parse_rows(*, filename: str, content: bytes) -> list[Row]:
    """Parse and check every row; raise one ValidationError listing every problem."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        table = _read_xlsx(content)
    else:
        table = _read_csv(content)
    columns = set(table[0][1])
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise ValidationError(
            _("Missing column(s): %(columns)s. The first row must name the columns.")
            % {"columns": ", ".join(missing)}
        )
    data = table[1:]
    if not data:
        raise ValidationError(_("The file has no data rows."))
    if len(data) > MAX_ROWS:
        raise ValidationError(_("Too many rows (at most %(max)d).") % {"max": MAX_ROWS})
    errors: list[str] = []
    rows: list[Row] = []
    seen: dict[date, int] = {}
    for number, cells in data:
        try:
            period = _parse_period(cells.get("period"))
        except ValueError:
            errors.append(
                _("Row %(row)d: the period %(value)s is not a date (YYYY-MM-DD).")
                % {"row": number, "value": repr(str(cells.get("period") or ""))}
            )
            continue
        try:
            value = _parse_number(cells.get("value"))
            if value is None:
                raise ValueError
        except ValueError:
            errors.append(
                _("Row %(row)d: the value %(value)s is not a number.")
                % {"row": number, "value": repr(str(cells.get("value") or ""))}
            )
            continue
        try:
            denominator = _parse_number(cells.get("denominator"))
        except ValueError:
            errors.append(
                _("Row %(row)d: the denominator %(value)s is not a number.")
                % {"row": number, "value": repr(str(cells.get("denominator")))}
            )
            continue
        if period in seen:
            errors.append(
                _("Row %(row)d: the period %(period)s is also in row %(other)d.")
                % {"row": number, "period": period.isoformat(), "other": seen[period]}
            )
            continue
        seen[period] = number
        comment = str(cells.get("comment") or "")[:500]
        rows.append(Row(number, period, value, denominator, comment))
    if errors:
        raise ValidationError(errors)
    return rows


def values_import(*, measure: Measure, filename: str, content: bytes, actor: User | None) -> int:
    """Import every row or none; return how many periods were written."""
    if not measure.is_manual:
        raise ValidationError(_("Only measures registered by hand can be imported."))
    rows = parse_rows(filename=filename, content=content)
    with transaction.atomic():
        for row in rows:
            manual_value_set(
                measure=measure,
                period_start=row.period_start,
                numerator=row.value,
                denominator=row.denominator,
                comment=row.comment,
                actor=actor,
            )
    return len(rows)
