"""``forlop spc``: compute a run chart or control chart from a CSV file.

Thin: parse the arguments, read the CSV (csv module), call ``forlop.measures.spc`` and write
CSV, JSON, SVG (``forlop.measures.svg``) or PNG (when a renderer is installed). Nothing is
written to ``-o`` when anything fails.
"""

from __future__ import annotations

import csv
import importlib
import io
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from forlop.measures import spc
from forlop.measures.svg import format_number, percent_format, render_chart_svg

CSV_COLUMNS = (
    "x",
    "y",
    "n",
    "cl",
    "lcl",
    "ucl",
    "sigma_signal",
    "runs_signal",
    "longest_run",
    "longest_run_max",
    "n_crossings",
    "n_crossings_min",
    "part",
)
FORMATS = ("csv", "json", "svg", "png")
MISSING = {"", "na", "n/a", "nan", "null", "-"}
DELIMITERS = (",", ";", "\t")
#: Python packages that can turn our SVG into PNG, tried in order.
PNG_RENDERERS = ("cairosvg",)


@dataclass(frozen=True, slots=True)
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number as a spreadsheet shows it, cells)


def read_table(path: Path) -> Table:
    """Read a CSV file with a header row; the delimiter may be ',', ';' or a tab."""
    if not path.is_file():
        raise CommandError(_("Input file %(path)s does not exist.") % {"path": path})
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise CommandError(
            _("Input file %(path)s is not UTF-8 text (save it as CSV UTF-8).") % {"path": path}
        ) from error
    except OSError as error:
        raise CommandError(
            _("Cannot read %(path)s: %(error)s") % {"path": path, "error": error.strerror}
        ) from error
    first_line = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise CommandError(_("Input file %(path)s is empty.") % {"path": path})
        columns = [cell.strip() for cell in header]
        rows: list[tuple[int, dict[str, str]]] = []
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue  # blank line
            rows.append((reader.line_num, dict(zip(columns, cells, strict=False))))
    except csv.Error as error:
        raise CommandError(
            _("Input file %(path)s is not valid CSV: %(error)s") % {"path": path, "error": error}
        ) from error
    return Table(columns=columns, rows=rows)


def parse_number(text: str) -> float | None:
    """A number as typed in a spreadsheet (decimal point or comma); None when missing."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if cleaned.lower() in MISSING:
        return None
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    value = float(cleaned)  # ValueError for anything else
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def column_values(table: Table, column: str, path: Path) -> list[float | None]:
    if column not in table.columns:
        raise CommandError(
            _("Column %(column)s not found in %(path)s. Available columns: %(columns)s.")
            % {
                "column": repr(column),
                "path": path,
                "columns": ", ".join(repr(name) for name in table.columns),
            }
        )
    values: list[float | None] = []
    for row_number, cells in table.rows:
        text = cells.get(column, "")
        try:
            values.append(parse_number(text))
        except ValueError:
            raise CommandError(
                _("Row %(row)d, column %(column)s: %(value)s is not a number.")
                % {"row": row_number, "column": repr(column), "value": repr(text.strip())}
            ) from None
    return values


def format_float(value: float | None) -> str:
    return "" if value is None else repr(value)


def format_int(value: int | None) -> str:
    return "" if value is None else str(value)


def format_bool(value: bool) -> str:
    return "true" if value else "false"


def point_record(result: spc.ChartResult, point: spc.Point) -> dict[str, Any]:
    runs = result.part_of(point).runs
    return {
        "x": point.x,
        "y": point.y,
        "n": point.n,
        "cl": point.cl,
        "lcl": point.lcl,
        "ucl": point.ucl,
        "sigma_signal": point.sigma_signal,
        "runs_signal": point.runs_signal,
        "longest_run": runs.longest_run,
        "longest_run_max": runs.longest_run_max,
        "n_crossings": runs.n_crossings,
        "n_crossings_min": runs.n_crossings_min,
        "part": point.part,
    }


def to_csv(result: spc.ChartResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for point in result.points:
        record = point_record(result, point)
        writer.writerow(
            [
                str(record["x"]),
                format_float(record["y"]),
                format_float(record["n"]),
                format_float(record["cl"]),
                format_float(record["lcl"]),
                format_float(record["ucl"]),
                format_bool(record["sigma_signal"]),
                format_bool(record["runs_signal"]),
                format_int(record["longest_run"]),
                format_int(record["longest_run_max"]),
                format_int(record["n_crossings"]),
                format_int(record["n_crossings_min"]),
                str(record["part"]),
            ]
        )
    return buffer.getvalue()


def runs_text(result: spc.ChartResult, part: spc.Part) -> str:
    """One sentence on the runs analysis of a part, for people."""
    runs = part.runs
    if result.chart == "mr":
        return _("Runs analysis does not apply to moving ranges.")
    if runs.too_few_points:
        return _(
            "Too few useful points for runs analysis (%(n)d; at least %(minimum)d needed)."
        ) % {"n": runs.n_useful, "minimum": result.min_points_for_signal}
    reasons: list[str] = []
    if runs.long_run:
        reasons.append(
            _("an unusually long run (%(run)d points; at most %(max)d expected)")
            % {"run": runs.longest_run, "max": runs.longest_run_max}
        )
    if runs.few_crossings:
        reasons.append(
            _("too few crossings (%(crossings)d; at least %(min)d expected)")
            % {"crossings": runs.n_crossings, "min": runs.n_crossings_min}
        )
    if not reasons:
        return _("No sign of non-random variation in the runs analysis.")
    return _("Non-random variation (a shift): %(reasons)s.") % {"reasons": _(" and ").join(reasons)}


def sigma_text(part: spc.Part, chart: spc.ChartType) -> str:
    if chart == "run":
        return ""
    if not part.n_sigma_signals:
        return _("No points outside the control limits.")
    return _("%(count)d point(s) outside the control limits.") % {"count": part.n_sigma_signals}


def part_record(result: spc.ChartResult, part: spc.Part) -> dict[str, Any]:
    runs = part.runs
    return {
        "part": part.number,
        "first": part.first,
        "last": part.last,
        "cl": part.cl,
        "n_obs": runs.n_obs,
        "n_useful": runs.n_useful,
        "longest_run": runs.longest_run,
        "longest_run_max": runs.longest_run_max,
        "n_crossings": runs.n_crossings,
        "n_crossings_min": runs.n_crossings_min,
        "long_run": runs.long_run,
        "few_crossings": runs.few_crossings,
        "too_few_points": runs.too_few_points,
        "runs_signal": runs.signal,
        "n_sigma_signals": part.n_sigma_signals,
        "signal": " ".join(
            text for text in (runs_text(result, part), sigma_text(part, result.chart)) if text
        ),
    }


def to_json(result: spc.ChartResult) -> str:
    document = {
        "chart": result.chart,
        "multiply": result.multiply,
        "min_points_for_signal": result.min_points_for_signal,
        "runs_signal": result.runs_signal,
        "sigma_signal": result.sigma_signal,
        "points": [point_record(result, point) for point in result.points],
        "parts": [part_record(result, part) for part in result.parts],
    }
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def chart_name(chart: spc.ChartType) -> str:
    names = {
        "run": _("Run chart"),
        "i": _("I chart"),
        "mr": _("MR chart"),
        "p": _("P chart"),
        "c": _("C chart"),
        "u": _("U chart"),
    }
    return names[chart]


def to_svg(result: spc.ChartResult, *, title: str, labels: Sequence[str] | None) -> str:
    sentences = [chart_name(result.chart) + "."]
    for part in result.parts:
        prefix = (
            _("Part %(part)d (subgroups %(first)d to %(last)d): ")
            % {"part": part.number, "first": part.first, "last": part.last}
            if len(result.parts) > 1
            else ""
        )
        body = " ".join(
            text for text in (runs_text(result, part), sigma_text(part, result.chart)) if text
        )
        sentences.append(prefix + body)
    note = (
        _("Too few points for runs analysis: no signal is shown.")
        if result.too_few_points
        else None
    )
    return render_chart_svg(
        result,
        title=title,
        description=" ".join(sentences),
        labels=labels,
        y_format=percent_format if result.chart == "p" and result.multiply == 1 else format_number,
        note=note,
    )


def png_renderer() -> Any | None:
    for name in PNG_RENDERERS:
        try:
            return importlib.import_module(name)
        except (ImportError, OSError):  # cairosvg raises OSError when libcairo is missing
            continue
    return None


class Command(BaseCommand):
    # A plain string: argparse cannot format a lazy translation.
    help = (
        "Compute a run chart or a control chart (i, mr, p, c, u) from a CSV file, as "
        "qicharts2 does after library(qicharts2), and write it as CSV, JSON, SVG or PNG."
    )
    requires_system_checks: list[str] = []  # needs neither the database nor the checks

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input", metavar="INPUT.csv", help=_("CSV file with a header row."))
        parser.add_argument(
            "--chart",
            choices=spc.CHART_TYPES,
            default="run",
            help=_("Chart type (default: run)."),
        )
        parser.add_argument(
            "--y",
            required=True,
            metavar="COL",
            help=_("Column with the values (the numerator for p and u charts)."),
        )
        parser.add_argument(
            "--n", metavar="COL", help=_("Column with the denominators (needed for p and u).")
        )
        parser.add_argument(
            "--x", metavar="COL", help=_("Column with period labels for the SVG x axis.")
        )
        parser.add_argument(
            "--part-ends-at",
            type=int,
            nargs="+",
            action="extend",
            default=[],
            metavar="K",
            help=_("Split the chart into parts after subgroup K (1-based; may be repeated)."),
        )
        parser.add_argument(
            "--freeze",
            type=int,
            metavar="K",
            help=_("Compute centre line and limits from the first K subgroups of each part."),
        )
        parser.add_argument(
            "--exclude",
            type=int,
            nargs="+",
            action="extend",
            default=[],
            metavar="K",
            help=_("Leave subgroup K out of the computations (still plotted)."),
        )
        parser.add_argument(
            "--multiply",
            type=float,
            default=1.0,
            metavar="M",
            help=_("Multiply y, centre and limits by M (say 100 for percent)."),
        )
        parser.add_argument(
            "--min-points",
            type=int,
            default=spc.DEFAULT_MIN_POINTS_FOR_SIGNAL,
            metavar="N",
            help=_("Fewest useful points for a runs signal (default 12; 0 as qicharts2)."),
        )
        parser.add_argument(
            "--no-mr-screening",
            action="store_true",
            help=_(
                "I chart: estimate sigma from every moving range, as qicharts2::qic() does "
                "without library(qicharts2). By default moving ranges of 3.267 times their "
                "average or more are left out first, as with library(qicharts2) "
                "(its option qic.screenedmr)."
            ),
        )
        parser.add_argument("--format", choices=FORMATS, default="csv", help=_("Output format."))
        parser.add_argument("--title", help=_("Chart title (SVG and PNG)."))
        parser.add_argument(
            "-o", "--output", metavar="FILE", help=_("Write to FILE instead of standard output.")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["input"])
        chart: spc.ChartType = options["chart"]
        output_format: str = options["format"]
        output: str | None = options["output"]

        # Fail early on what needs no data.
        if chart in spc.CHARTS_NEEDING_N and not options["n"]:
            raise CommandError(
                _("A %(chart)s chart needs a denominator: give its column with --n.")
                % {"chart": chart}
            )
        if chart in spc.CHARTS_WITHOUT_N and options["n"]:
            raise CommandError(
                _("A c chart plots counts without a denominator: drop --n or use --chart u.")
            )
        renderer = None
        if output_format == "png":
            renderer = png_renderer()
            if renderer is None:
                raise CommandError(
                    _(
                        "PNG output needs the Python package cairosvg (with the Cairo "
                        "library), which is not installed. Use --format svg instead."
                    )
                )
            if not output:
                raise CommandError(_("PNG output needs a file: give -o FILE."))

        table = read_table(path)
        if not table.rows:
            raise CommandError(_("Input file %(path)s has no data rows.") % {"path": path})
        y = column_values(table, options["y"], path)
        n = column_values(table, options["n"], path) if options["n"] else None
        labels = None
        if options["x"]:
            if options["x"] not in table.columns:
                column_values(table, options["x"], path)  # raises the missing-column error
            labels = [cells.get(options["x"], "").strip() for _row, cells in table.rows]
        if n is not None:
            for (row_number, _cells), value in zip(table.rows, n, strict=True):
                if value is not None and value <= 0:
                    raise CommandError(
                        _(
                            "Row %(row)d, column %(column)s: the denominator must be "
                            "positive, not %(value)s."
                        )
                        % {"row": row_number, "column": repr(options["n"]), "value": value}
                    )
        count = len(y)
        for end in options["part_ends_at"]:
            if not 1 <= end < count:
                raise CommandError(
                    _(
                        "--part-ends-at %(end)d is out of range: a part must end at a subgroup "
                        "from 1 to %(last)d (the file has %(count)d subgroups)."
                    )
                    % {"end": end, "last": count - 1, "count": count}
                )

        spec = spc.ChartSpec(
            chart=chart,
            y=tuple(y),
            n=None if n is None else tuple(n),
            part_ends_at=tuple(sorted(set(options["part_ends_at"]))),
            freeze=options["freeze"],
            exclude=frozenset(options["exclude"]),
            multiply=options["multiply"],
            min_points_for_signal=options["min_points"],
            screen_moving_ranges=not options["no_mr_screening"],
        )
        try:
            result = spc.compute_chart(spec)
        except ValueError as error:
            raise CommandError(str(error)) from error

        title = options["title"] or _("%(chart)s of %(column)s") % {
            "chart": chart_name(chart),
            "column": options["y"],
        }
        content: str | bytes
        if output_format == "csv":
            content = to_csv(result)
        elif output_format == "json":
            content = to_json(result)
        else:
            svg = to_svg(result, title=title, labels=labels)
            content = svg if renderer is None else renderer.svg2png(bytestring=svg.encode())

        if output:
            target = Path(output)
            try:
                if isinstance(content, bytes):
                    target.write_bytes(content)
                else:
                    target.write_text(content, encoding="utf-8")
            except OSError as error:
                raise CommandError(
                    _("Cannot write %(path)s: %(error)s")
                    % {"path": target, "error": error.strerror}
                ) from error
        elif isinstance(content, str):  # PNG always has -o (checked above)
            self.stdout.write(content, ending="")
