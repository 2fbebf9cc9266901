"""Server-side SVG line chart of goal scores over time (pure Python, no Django).

Accessible and CSP-safe like `forlop.measures.svg`: ``role="img"``, ``<title>`` and ``<desc>``
referenced by ``aria-labelledby``, no script and no inline ``style``, only presentation
attributes. The page shows the same numbers in a table beside the chart.

The x axis is the scorings in order (baseline, follow-ups), evenly spaced and labelled with
their dates; the y axis is the 0-10 scale. Each goal is a thin line with its own colour, dash
pattern and marker shape (so colour is not the only difference); the average is a thick line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape

__all__ = ["Series", "render_goals_chart", "render_legend"]

# Dark enough for 3:1 contrast on white; shapes and dashes also tell the lines apart.
COLOURS = ["#1f5f99", "#a4410e", "#2d6a2d", "#6b2f8a", "#8a6d00"]
DASHES = ["", "6 3", "2 3", "8 3 2 3", "4 4"]
AVERAGE_COLOUR = "#111111"
GRID_COLOUR = "#e0e0e0"
TEXT_COLOUR = "#333333"

WIDTH = 640
HEIGHT = 300
LEFT, RIGHT, TOP, BOTTOM = 40, 20, 20, 44


@dataclass(frozen=True, slots=True)
class Series:
    label: str
    values: Sequence[int | Decimal | None]  # one per scoring, None when not scored


def _num(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _marker(shape: int, x: float, y: float, colour: str, title: str) -> str:
    t = f"<title>{escape(title)}</title>"
    if shape % 3 == 1:
        d = 5
        return (
            f'<rect x="{_num(x - d)}" y="{_num(y - d)}" width="{d * 2}" height="{d * 2}" '
            f'fill="{colour}">{t}</rect>'
        )
    if shape % 3 == 2:
        pts = f"{_num(x)},{_num(y - 6)} {_num(x + 6)},{_num(y + 5)} {_num(x - 6)},{_num(y + 5)}"
        return f'<polygon points="{pts}" fill="{colour}">{t}</polygon>'
    return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="5" fill="{colour}">{t}</circle>'


def render_goals_chart(
    *,
    x_labels: Sequence[str],
    goals: Sequence[Series],
    average: Series | None,
    title: str,
    description: str,
    chart_id: str = "goals-chart",
    scale_min: int = 0,
    scale_max: int = 10,
) -> str:
    """Return the SVG markup. Labels and texts are escaped here; the result is safe to embed."""
    n = len(x_labels)
    height = HEIGHT
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def x_at(i: int) -> float:
        return LEFT + (plot_w / 2 if n <= 1 else i * plot_w / (n - 1))

    def y_at(v: float) -> float:
        return TOP + plot_h - (v - scale_min) * plot_h / (scale_max - scale_min)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" class="goals-chart" id="{escape(chart_id)}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
    for tick in range(scale_min, scale_max + 1, 2):
        y = y_at(tick)
        out.append(
            f'<line x1="{LEFT}" y1="{_num(y)}" x2="{WIDTH - RIGHT}" y2="{_num(y)}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
        )
        out.append(
            f'<text x="{LEFT - 8}" y="{_num(y + 4)}" text-anchor="end" font-size="12" '
            f'fill="{TEXT_COLOUR}">{tick}</text>'
        )
    for i, label in enumerate(x_labels):
        # The first and last labels align to the plot's edges so they are never clipped.
        anchor = "middle" if n == 1 or 0 < i < n - 1 else ("start" if i == 0 else "end")
        out.append(
            f'<text x="{_num(x_at(i))}" y="{TOP + plot_h + 18}" text-anchor="{anchor}" '
            f'font-size="12" fill="{TEXT_COLOUR}">{escape(label)}</text>'
        )

    def line(series: Series, colour: str, dash: str, width: float, shape: int) -> None:
        points = [
            (x_at(i), y_at(float(v)), v) for i, v in enumerate(series.values) if v is not None
        ]
        if len(points) > 1:
            d = " ".join(
                f"{'M' if k == 0 else 'L'}{_num(x)},{_num(y)}"
                for k, (x, y, _v) in enumerate(points)
            )
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            out.append(
                f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="{width}"{dash_attr}/>'
            )
        for x, y, v in points:
            out.append(_marker(shape, x, y, colour, f"{series.label}: {v}"))

    for k, series in enumerate(goals):
        line(series, COLOURS[k % len(COLOURS)], DASHES[k % len(DASHES)], 2, k)
    if average is not None:
        line(average, AVERAGE_COLOUR, "", 4, 0)

    out.append("</svg>")
    return "".join(out)


def render_legend(*, goals: Sequence[Series], average: Series | None) -> str:
    """The chart's legend as an HTML list beside the SVG, so its text keeps the page's size on
    a phone (inside the scaled SVG it shrank to about 6 px). Each entry has a small line in
    the series' colour and dash; the texts are escaped here."""
    entries = [
        (s, COLOURS[k % len(COLOURS)], DASHES[k % len(DASHES)], 2) for k, s in enumerate(goals)
    ]
    if average is not None:
        entries.append((average, AVERAGE_COLOUR, "", 4))
    items = []
    for series, colour, dash, width in entries:
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        items.append(
            '<li><svg class="chart-legend__line" viewBox="0 0 28 10" width="28" height="10" '
            f'aria-hidden="true"><line x1="0" y1="5" x2="28" y2="5" stroke="{colour}" '
            f'stroke-width="{width}"{dash_attr}/></svg> {escape(series.label)}</li>'
        )
    return '<ul class="chart-legend">' + "".join(items) + "</ul>"
