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
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
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
FIRST_PERIOD = date(1900, 1, 1)
MAX_COUNT = 10**9
CSV_FIELD_LIMIT = 131_072  # the csv module's default; a longer field is refused, not a 500

Table = Iterator[tuple[int, dict[str, Any]]]


@dataclass(frozen=True, slots=True)
class Row:
    number: int
    period_start: date
    value: float
    denominator: float | None
    comment: str


def _no_nul(text: str, row: int) -> None:
    # PostgreSQL cannot store a NUL character in text: refuse it here with a clear message.
    if "\x00" in text:
        raise ValidationError(
            _("Row %(row)d contains a NUL character: save the file again as plain text.")
            % {"row": row}
        )


def _read_csv(content: bytes) -> tuple[list[str], Table]:
    """The header and an iterator over the data rows: read lazily, one row at a time."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not UTF-8 text (save it as CSV UTF-8).")) from None
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def rows() -> Table:
        try:
            for cells in reader:
                _no_nul("".join(cells), reader.line_num)
                if any(cell.strip() for cell in cells):
                    yield reader.line_num, dict(zip(columns, cells, strict=False))
        except csv.Error:
            raise ValidationError(
                _(
                    "Row %(row)d could not be read: a field is too long (at most %(max)d "
                    "characters) or the file is not CSV."
                )
                % {"row": reader.line_num + 1, "max": CSV_FIELD_LIMIT}
            ) from None

    try:
        header = next(reader, None) or []
    except csv.Error:
        raise ValidationError(_("The first row could not be read as CSV column names.")) from None
    _no_nul("".join(header), 1)
    columns = [cell.strip().lower() for cell in header]
    return columns, rows()


def _read_xlsx(content: bytes) -> tuple[list[str], Table]:
    """The header and an iterator over the data rows: openpyxl's read-only mode streams the
    sheet, so reading stops where the caller stops (the row limit), not at the sheet's end."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        sheet = book.worksheets[0]
        rows_iter = sheet.iter_rows(values_only=True)
        header = next(rows_iter, None) or ()
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ValidationError(_("The file is not a readable Excel workbook.")) from error
    columns = [str(cell or "").strip().lower() for cell in header]

    def rows() -> Table:
        try:
            for number, cells in enumerate(rows_iter, start=2):
                _no_nul("".join(str(c) for c in cells if isinstance(c, str)), number)
                if any(cell not in (None, "") for cell in cells):
                    yield number, dict(zip(columns, cells, strict=False))
        except ValidationError:
            raise
        except Exception as error:  # a broken part of the sheet, found while streaming
            raise ValidationError(_("The file is not a readable Excel workbook.")) from error
        finally:
            book.close()

    return columns, rows()


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


def _parse_count(value: Any) -> float | None:
    """A count: a whole number, zero or more (3 and 3.0 are counts; -5 and 3.5 are not)."""
    number = _parse_number(value)
    if number is None:
        return None
    if number < 0 or number > MAX_COUNT or number != int(number):
        raise ValueError(value)
    return float(int(number))


def parse_rows(*, filename: str, content: bytes, today: date | None = None) -> list[Row]:
    """Parse and check every row; raise one ValidationError listing every problem.

    Rows are read one at a time and reading stops as soon as the file has more than MAX_ROWS
    data rows, so a huge file costs no more than a full one.
    """
    if filename.lower().endswith((".xlsx", ".xlsm")):
        columns, table = _read_xlsx(content)
    else:
        columns, table = _read_csv(content)
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise ValidationError(
            _("Missing column(s): %(columns)s. The first row must name the columns.")
            % {"columns": ", ".join(missing)}
        )
    data = list(islice(table, MAX_ROWS + 1))
    if not data:
        raise ValidationError(_("The file has no data rows."))
    if len(data) > MAX_ROWS:
        raise ValidationError(_("Too many rows (at most %(max)d).") % {"max": MAX_ROWS})
    today = today or date.today()  # noqa: DTZ011 - a calendar bound, a year of slack
    last_period = date(today.year + 1, 12, 31)
    errors: list[str] = []
    rows: list[Row] = []
    seen: dict[date, int] = {}
    for number, cells in data:
        try:
            period = _parse_period(cells.get("period"))
            if not FIRST_PERIOD <= period <= last_period:
                raise ValueError(period)
        except (ValueError, OverflowError):
            errors.append(
                _("Row %(row)d: the period %(value)s is not a date (YYYY-MM-DD).")
                % {"row": number, "value": repr(str(cells.get("period") or ""))}
            )
            continue
        try:
            value = _parse_count(cells.get("value"))
            if value is None:
                raise ValueError
        except (ValueError, OverflowError):
            errors.append(
                _("Row %(row)d: the value %(value)s is not a count (a whole number, 0 or more).")
                % {"row": number, "value": repr(str(cells.get("value") or ""))}
            )
            continue
        try:
            denominator = _parse_count(cells.get("denominator"))
        except (ValueError, OverflowError):
            errors.append(
                _(
                    "Row %(row)d: the denominator %(value)s is not a count (a whole number, "
                    "0 or more)."
                )
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
