"""Server-side SVG rendering of SPC charts (pure Python, no Django).

The SVG is standalone and accessible (``role="img"``, ``<title>``, ``<desc>``,
``aria-labelledby``) and safe under a strict Content-Security-Policy: no ``<script>``, no
inline ``style`` attributes, only presentation attributes (fill, stroke, stroke-dasharray)
and class names that a stylesheet may refine.

Conventions (as qicharts2): the data line with a point per subgroup, the centre line of
each part (median for run charts, mean for control charts), the control limits as stepped
dashed lines, and a part with a runs signal (a shift) drawn with a red dashed centre line.
Points outside the limits are drawn as larger orange diamonds; excluded points are hollow.
"""

from __future__ import annotations

import hashlib
import math
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from forlop.measures.spc import ChartResult, Point

__all__ = ["Annotation", "format_number", "percent_format", "render_chart_svg"]

SVG_NS = "http://www.w3.org/2000/svg"

# Colours: qicharts2's line colour; signals and annotations dark enough for 3:1 contrast.
LINE_COLOUR = "#2f7fbf"
CENTRE_COLOUR = "#4d4d4d"
SIGNAL_COLOUR = "#c0392b"
SIGMA_COLOUR = "#d35400"
LIMIT_COLOUR = "#7f7f7f"
TARGET_COLOUR = "#05803a"
GRID_COLOUR = "#e6e6e6"
TEXT_COLOUR = "#444444"
ANNOTATION_COLOUR = "#5b2c83"

MARGIN_LEFT = 56
MARGIN_RIGHT = 52
MARGIN_TOP = 34
MARGIN_BOTTOM = 40
FONT_SIZE = 11
MIN_LABEL_SPACING = 44  # px between x-axis labels
#: A generous average glyph width of the chart font (system sans at FONT_SIZE), to keep a label
#: inside the chart without measuring text (the server has no font metrics).
CHAR_WIDTH = FONT_SIZE * 0.62
EDGE = 3  # px kept free at the chart's edges


def _fit_label(label: str, x: float, width: int, prefer_end: bool) -> tuple[str, str, bool]:
    """Where an annotation's label goes so that it is never cut off by the chart's edge: the
    text (shortened with "…" only when neither side of the line has room), its text-anchor,
    and whether it was shortened (the full text then goes in a <title>)."""
    needed = len(label) * CHAR_WIDTH
    room_right = width - EDGE - x
    room_left = x - EDGE
    sides = ("end", "start") if prefer_end else ("start", "end")
    for side in sides:
        if needed <= (room_left if side == "end" else room_right):
            return label, side, False
    side = "end" if room_left >= room_right else "start"
    chars = max(int((room_left if side == "end" else room_right) // CHAR_WIDTH) - 1, 1)
    return label[:chars].rstrip() + "…", side, True


KEY_LINE = FONT_SIZE + 4  # px from one line of the notes' key to the next


def _key_lines(annotations: Sequence[Annotation], width: int) -> list[tuple[int, str]]:
    """The notes' key under a chart where a label does not fit beside its line (a small aim
    or leader chart): each note numbered, its whole text wrapped to the chart's width, so no
    note is cut short. ``(note number or 0 for a continued line, text)`` per line."""
    chars = max(int((width - 2 * EDGE - MARGIN_LEFT // 2) // CHAR_WIDTH) - 4, 10)
    lines: list[tuple[int, str]] = []
    for number, annotation in enumerate(annotations, start=1):
        wrapped = textwrap.wrap(annotation.label, chars, break_long_words=True) or [""]
        lines.append((number, wrapped[0]))
        lines.extend((0, rest) for rest in wrapped[1:])
    return lines


def _annotations_svg(
    annotations: Sequence[Annotation], frame: _Frame, width: int, key_top: float
) -> tuple[list[str], int]:
    """The notes: a dashed line at each, its label beside it where the label fits, else a
    number at the line and the whole text in a key under the chart. Returns the SVG and the
    height the key adds."""
    ordered = sorted(annotations, key=lambda a: a.x)
    placed = []
    for annotation in ordered:
        ax = frame.x(annotation.x - 1)
        fit = _fit_label(
            annotation.label, ax, width, prefer_end=ax > (frame.left + frame.right) / 2
        )
        placed.append((annotation, ax, fit))
    keyed = any(shortened for _, _, (_, _, shortened) in placed)
    out = ['<g class="spc-annotations">']
    for number, (annotation, ax, (text, anchor, _)) in enumerate(placed):
        label_y = frame.top - 6 - (number % 2) * (FONT_SIZE + 2)
        if keyed:
            text, anchor = str(number + 1), "middle"
        out.append(
            f'<g class="spc-annotation" data-x="{annotation.x}">'
            + (f"<title>{escape(annotation.label)}</title>" if keyed else "")
            + f'<line x1="{_num(ax)}" y1="{_num(frame.top)}" x2="{_num(ax)}" '
            f'y2="{_num(frame.bottom)}" stroke="{ANNOTATION_COLOUR}" stroke-width="1" '
            'stroke-dasharray="3 3"/>'
            f'<text x="{_num(ax)}" y="{_num(label_y)}" text-anchor="{anchor}" '
            f'fill="{ANNOTATION_COLOUR}">{escape(text)}</text></g>'
        )
    out.append("</g>")
    if not keyed:
        return out, 0
    lines = _key_lines(ordered, width)
    out.append('<g class="spc-annotation-key">')
    for row, (number, text) in enumerate(lines):
        y = _num(key_top + (row + 1) * KEY_LINE)
        if number:
            out.append(
                f'<text class="spc-annotation-key-number" x="{_num(frame.left)}" y="{y}" '
                f'text-anchor="end" fill="{ANNOTATION_COLOUR}">{number}</text>'
            )
        out.append(
            f'<text class="spc-annotation-key-text" x="{_num(frame.left + 6)}" y="{y}" '
            f'fill="{ANNOTATION_COLOUR}">{escape(text)}</text>'
        )
    out.append("</g>")
    return out, len(lines) * KEY_LINE + 6


@dataclass(frozen=True, slots=True)
class Annotation:
    """A note at a subgroup (1-based ``x``): a change made, a PDSA cycle started."""

    x: int
    label: str


def format_number(value: float) -> str:
    """About four significant digits, never an exponent: 0.5893, 9.566, 66.9, 12345."""
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else str(value)
    decimals = min(6, max(0, 3 - math.floor(math.log10(abs(value)))))
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def percent_format(value: float) -> str:
    """A proportion as a whole percentage: 0.853 -> '85 %'."""
    return f"{value * 100:.0f} %"


def _num(value: float) -> str:
    """A coordinate with two decimals."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _nice_step(span: float, target_ticks: int) -> float:
    raw = span / max(target_ticks, 1)
    magnitude = 10.0 ** math.floor(math.log10(raw))
    for factor in (1.0, 2.0, 2.5, 5.0, 10.0):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def _ticks(low: float, high: float, target_ticks: int = 5) -> list[float]:
    if high < low:
        low, high = high, low
    if high == low:
        pad = abs(low) * 0.1 or 1.0
        low, high = low - pad, high + pad
    step = _nice_step(high - low, target_ticks - 1)
    first = math.floor(low / step + 1e-9) * step
    last = math.ceil(high / step - 1e-9) * step
    count = round((last - first) / step)
    # Round away the binary noise of repeated additions (0.30000000000000004).
    digits = max(0, 2 - math.floor(math.log10(step)))
    return [round(first + i * step, digits) for i in range(count + 1)]


@dataclass(frozen=True, slots=True)
class _Frame:
    left: float
    right: float
    top: float
    bottom: float
    count: int
    low: float
    high: float

    @property
    def step(self) -> float:
        return (self.right - self.left) / max(self.count, 1)

    def x(self, index: int) -> float:
        """Centre of the band of the subgroup at 0-based ``index``."""
        return self.left + (index + 0.5) * self.step

    def y(self, value: float) -> float:
        span = self.high - self.low
        return self.bottom - (value - self.low) / span * (self.bottom - self.top)


def _stepped_path(frame: _Frame, indexed: Sequence[tuple[int, float | None]]) -> str:
    """A mid-stepped line through (index, value) pairs, broken where the value is None."""
    commands: list[str] = []
    previous: float | None = None
    for index, value in indexed:
        if value is None:
            previous = None
            continue
        x0 = frame.x(index) - frame.step / 2
        x1 = frame.x(index) + frame.step / 2
        y = frame.y(value)
        if previous is None:
            commands.append(f"M{_num(x0)} {_num(y)}")
        elif y != previous:
            commands.append(f"V{_num(y)}")
        commands.append(f"H{_num(x1)}")
        previous = y
    return " ".join(commands)


def _polyline_path(frame: _Frame, indexed: Sequence[tuple[int, float | None]]) -> str:
    commands: list[str] = []
    pen_down = False
    for index, value in indexed:
        if value is None:
            pen_down = False
            continue
        letter = "L" if pen_down else "M"
        commands.append(f"{letter}{_num(frame.x(index))} {_num(frame.y(value))}")
        pen_down = True
    return " ".join(commands)


def _default_id(result: ChartResult, title: str, description: str) -> str:
    digest = hashlib.sha256(
        repr((result.chart, title, description, result.points)).encode()
    ).hexdigest()
    return f"spc-{digest[:10]}"


def _point_marker(frame: _Frame, index: int, point: Point, label: str, text: str) -> str:
    cx, cy = frame.x(index), frame.y(point.y or 0.0)
    tooltip = f"<title>{escape(label)}: {escape(text)}</title>"
    if point.sigma_signal:
        r = 5.5
        d = (
            f"M{_num(cx)} {_num(cy - r)} L{_num(cx + r)} {_num(cy)} "
            f"L{_num(cx)} {_num(cy + r)} L{_num(cx - r)} {_num(cy)} Z"
        )
        classes = "spc-point spc-point--signal"
        if point.excluded:
            classes += " spc-point--excluded"
        return (
            f'<path class="{classes}" d="{d}" fill="{SIGMA_COLOUR}" stroke="#ffffff" '
            f'stroke-width="1">{tooltip}</path>'
        )
    if point.excluded:
        return (
            f'<circle class="spc-point spc-point--excluded" cx="{_num(cx)}" cy="{_num(cy)}" '
            f'r="3.5" fill="#ffffff" stroke="{LINE_COLOUR}" stroke-width="1.5">{tooltip}</circle>'
        )
    return (
        f'<circle class="spc-point" cx="{_num(cx)}" cy="{_num(cy)}" r="3" '
        f'fill="{LINE_COLOUR}">{tooltip}</circle>'
    )


def render_chart_svg(
    result: ChartResult,
    *,
    title: str,
    description: str,
    labels: Sequence[str] | None = None,
    target: float | None = None,
    annotations: Sequence[Annotation] = (),
    width: int = 720,
    height: int = 320,
    y_format: Callable[[float], str] = format_number,
    note: str | None = None,
    id_prefix: str | None = None,
    target_label: str | None = None,
) -> str:
    """Render ``result`` as a standalone SVG document (a string).

    ``labels`` are the x-axis (period) labels, one per subgroup (default: 1, 2, 3 ...).
    ``annotations`` mark subgroups with a vertical line and a short label. ``note`` is a
    line of text above the plot (say, "Too few points for runs analysis"). ``id_prefix``
    makes the element ids unique on a page with several charts (default: derived from
    the content). ``target_label`` is written above the target line's left end. Raises ValueError when labels or annotations do not fit the result.
    """
    points = result.points
    count = len(points)
    if labels is None:
        labels = [str(point.x) for point in points]
    if len(labels) != count:
        raise ValueError(f"Got {len(labels)} labels for {count} subgroups.")
    for annotation in annotations:
        if not 1 <= annotation.x <= count:
            raise ValueError(
                f"Annotation at subgroup {annotation.x} is outside the chart (1 to {count})."
            )
    if width < 160 or height < 120:
        raise ValueError("The chart must be at least 160 × 120.")
    ident = id_prefix or _default_id(result, title, description)
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", ident):
        raise ValueError(f"id_prefix {ident!r} is not a valid id.")

    values = [
        v
        for point in points
        for v in (point.y, point.cl, point.lcl, point.ucl)
        if v is not None and math.isfinite(v)
    ]
    if target is not None:
        values.append(target)
    ticks = _ticks(min(values, default=0.0), max(values, default=1.0))
    frame = _Frame(
        left=MARGIN_LEFT,
        right=width - MARGIN_RIGHT,
        top=MARGIN_TOP,
        bottom=height - MARGIN_BOTTOM,
        count=count,
        low=ticks[0],
        high=ticks[-1],
    )

    # The notes first: where their labels do not fit, a key under the chart adds height.
    notes_svg, key_height = (
        _annotations_svg(annotations, frame, width, key_top=height) if annotations else ([], 0)
    )
    full_height = height + key_height
    out: list[str] = [
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 {width} {full_height}" width="{width}" '
        f'height="{full_height}" role="img" aria-labelledby="{ident}-title {ident}-desc" '
        f'class="spc-chart spc-chart--{result.chart}" font-family="system-ui, sans-serif" '
        f'font-size="{FONT_SIZE}">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
        f'<rect class="spc-background" x="0" y="0" width="{width}" height="{full_height}" '
        'fill="#ffffff"/>',
    ]

    # Y axis: grid lines and tick labels.
    out.append('<g class="spc-axis spc-axis--y" aria-hidden="true">')
    for tick in ticks:
        y = _num(frame.y(tick))
        out.append(
            f'<line x1="{_num(frame.left)}" y1="{y}" x2="{_num(frame.right)}" y2="{y}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{_num(frame.left - 6)}" y="{y}" text-anchor="end" '
            f'dominant-baseline="middle" fill="{TEXT_COLOUR}">{escape(y_format(tick))}</text>'
        )
    out.append("</g>")

    # X axis: baseline and a readable subset of the period labels.
    out.append('<g class="spc-axis spc-axis--x" aria-hidden="true">')
    out.append(
        f'<line x1="{_num(frame.left)}" y1="{_num(frame.bottom)}" x2="{_num(frame.right)}" '
        f'y2="{_num(frame.bottom)}" stroke="{TEXT_COLOUR}" stroke-width="1"/>'
    )
    # Far enough apart that the longest label never runs into the next ("sept. 2025").
    spacing = max(
        MIN_LABEL_SPACING, max((len(label) for label in labels), default=0) * CHAR_WIDTH + 6
    )
    every = max(1, math.ceil(spacing / frame.step)) if count else 1
    for index, label in enumerate(labels):
        if index % every:
            continue
        x = _num(frame.x(index))
        out.append(
            f'<line x1="{x}" y1="{_num(frame.bottom)}" x2="{x}" y2="{_num(frame.bottom + 4)}" '
            f'stroke="{TEXT_COLOUR}" stroke-width="1"/>'
        )
        out.append(
            f'<text class="spc-x-label" x="{x}" y="{_num(frame.bottom + 16)}" '
            f'text-anchor="middle" fill="{TEXT_COLOUR}">{escape(label)}</text>'
        )
    out.append("</g>")

    # Target line.
    if target is not None and math.isfinite(target):
        y = _num(frame.y(target))
        out.append(
            f'<line class="spc-target" x1="{_num(frame.left)}" y1="{y}" x2="{_num(frame.right)}" '
            f'y2="{y}" stroke="{TARGET_COLOUR}" stroke-width="1.5" stroke-dasharray="2 3"/>'
        )
        if target_label:
            out.append(
                f'<text class="spc-target-label" x="{_num(frame.left + 4)}" '
                f'y="{_num(frame.y(target) - 4)}" fill="{TARGET_COLOUR}">'
                f"{escape(target_label)}</text>"
            )

    # Limits and centre lines, part by part.
    out.append('<g class="spc-lines" fill="none">')
    for part in result.parts:
        indexed = [(i, points[i]) for i in range(part.first - 1, part.last)]
        for name, attribute in (("upper", "ucl"), ("lower", "lcl")):
            d = _stepped_path(frame, [(i, getattr(p, attribute)) for i, p in indexed])
            if d:
                out.append(
                    f'<path class="spc-limit spc-limit--{name}" d="{d}" '
                    f'stroke="{LIMIT_COLOUR}" stroke-width="1.5" stroke-dasharray="5 3"/>'
                )
        d = _stepped_path(frame, [(i, p.cl) for i, p in indexed])
        if d:
            if part.runs.signal:
                out.append(
                    f'<path class="spc-cl spc-cl--runs-signal" d="{d}" stroke="{SIGNAL_COLOUR}" '
                    'stroke-width="2" stroke-dasharray="7 4"/>'
                )
            else:
                out.append(
                    f'<path class="spc-cl" d="{d}" stroke="{CENTRE_COLOUR}" stroke-width="1.5"/>'
                )
    out.append("</g>")

    # Line labels at the right end of the last part (qicharts2 style), without overlaps.
    if result.parts and count:
        last = points[-1]
        placed: list[float] = []
        out.append('<g class="spc-line-labels" aria-hidden="true">')
        for value, css in ((last.cl, "cl"), (last.ucl, "ucl"), (last.lcl, "lcl")):
            if value is None:
                continue
            y_value = frame.y(value)
            if any(abs(y_value - other) < FONT_SIZE for other in placed):
                continue
            placed.append(y_value)
            out.append(
                f'<text class="spc-line-label spc-line-label--{css}" x="{_num(frame.right + 4)}" '
                f'y="{_num(y_value)}" dominant-baseline="middle" fill="{TEXT_COLOUR}">'
                f"{escape(y_format(value))}</text>"
            )
        out.append("</g>")

    # Data line (broken at gaps and between parts) and points.
    out.append('<g class="spc-data">')
    for part in result.parts:
        d = _polyline_path(frame, [(i, points[i].y) for i in range(part.first - 1, part.last)])
        if d:
            out.append(
                f'<path class="spc-data-line" d="{d}" fill="none" stroke="{LINE_COLOUR}" '
                'stroke-width="2" stroke-linejoin="round"/>'
            )
    for index, point in enumerate(points):
        if point.y is None:
            continue
        out.append(_point_marker(frame, index, point, labels[index], y_format(point.y)))
    out.append("</g>")

    # Annotations: a vertical line and a label, or a number and the key (see above).
    out.extend(notes_svg)

    if note:
        out.append(
            f'<text class="spc-note" x="{_num(frame.left)}" y="{_num(height - 6)}" '
            f'fill="{TEXT_COLOUR}">{escape(note)}</text>'
        )

    out.append("</svg>")
    return "\n".join(out)
