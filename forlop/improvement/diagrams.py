"""A driver diagram drawn as SVG, server-side (pure Python, no Django, no database).

Four columns, left to right: the aim, the primary drivers, the secondary drivers and the
change ideas, joined by elbow lines. Every box's text is wrapped, never cut, so the SVG
carries exactly the words of the accessible list drawn beside it (tested). The SVG is safe
under a strict Content-Security-Policy (no script, no style attribute: presentation
attributes and class names only) and accessible (``role="img"`` with a title and a
description; the list is the structure for screen readers).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

SVG_NS = "http://www.w3.org/2000/svg"
COLUMN_WIDTH = 210
GAP = 46
MARGIN = 12
HEADING_HEIGHT = 30
LINE_HEIGHT = 16
PADDING = 10
ROW_GAP = 10
CHARS_PER_LINE = 26
FONT_SIZE = 13

# Fill, stroke and text colour per kind of box (text contrast at least 4.5:1).
COLOURS = {
    "aim": ("#1e3a5f", "#1e3a5f", "#ffffff"),
    "primary": ("#d6e6f5", "#2f6fa7", "#13293d"),
    "secondary": ("#eef5fb", "#5b8fbf", "#13293d"),
    "idea": ("#fff4d6", "#a07800", "#2b2100"),
    "idea-adopted": ("#dcf2e3", "#1f7a3f", "#0f3a1f"),
    "idea-abandoned": ("#eeeeee", "#767676", "#333333"),
    "idea-testing": ("#fde9cf", "#b35c00", "#3a1f00"),
}
LINE_COLOUR = "#5f6b76"


@dataclass(frozen=True, slots=True)
class IdeaNode:
    text: str
    status: str = "open"


@dataclass(frozen=True, slots=True)
class DriverNode:
    text: str
    children: Sequence[DriverNode] = ()
    ideas: Sequence[IdeaNode] = ()


@dataclass(frozen=True, slots=True)
class Tree:
    aim: str
    drivers: Sequence[DriverNode] = ()


@dataclass(slots=True)
class _Box:
    column: int
    kind: str
    lines: list[str]
    first_row: int
    last_row: int
    y: float = 0.0
    height: float = 0.0
    parent: _Box | None = None
    children: list[_Box] = field(default_factory=list)

    @property
    def own_height(self) -> float:
        return len(self.lines) * LINE_HEIGHT + 2 * PADDING


def wrap(text: str) -> list[str]:
    """The box's lines: wrapped at word boundaries, long words broken, nothing dropped."""
    lines = textwrap.wrap(text, CHARS_PER_LINE, break_long_words=True, break_on_hyphens=False)
    return lines or [""]


def _layout(tree: Tree) -> tuple[list[_Box], list[float]]:
    boxes: list[_Box] = []
    rows = 0

    def box(column: int, kind: str, text: str, first: int, parent: _Box | None) -> _Box:
        made = _Box(column, kind, wrap(text), first, first, parent=parent)
        boxes.append(made)
        if parent is not None:
            parent.children.append(made)
        return made

    aim = box(0, "aim", tree.aim, 0, None)
    for driver in tree.drivers:
        primary = box(1, "primary", driver.text, rows, aim)
        for idea in driver.ideas:
            box(3, _idea_kind(idea), idea.text, rows, primary)
            rows += 1
        for child in driver.children:
            secondary = box(2, "secondary", child.text, rows, primary)
            for idea in child.ideas:
                box(3, _idea_kind(idea), idea.text, rows, secondary)
                rows += 1
            if not child.ideas:
                rows += 1
            secondary.last_row = rows - 1
        if not driver.ideas and not driver.children:
            rows += 1
        primary.last_row = rows - 1
    aim.last_row = max(rows - 1, 0)
    rows = max(rows, 1)
    heights = [0.0] * rows
    for made in boxes:  # single-row boxes set their row's height
        if made.first_row == made.last_row:
            heights[made.first_row] = max(heights[made.first_row], made.own_height)
    for column in (3, 2, 1, 0):  # spanning boxes stretch their last row when they need more
        for made in boxes:
            if made.column != column or made.first_row == made.last_row:
                continue
            span = _span(heights, made.first_row, made.last_row)
            if span < made.own_height:
                heights[made.last_row] += made.own_height - span
    tops = [HEADING_HEIGHT + MARGIN]
    for height in heights[:-1]:
        tops.append(tops[-1] + height + ROW_GAP)
    for made in boxes:
        span = _span(heights, made.first_row, made.last_row)
        made.height = made.own_height
        made.y = tops[made.first_row] + (span - made.height) / 2
    return boxes, [tops[-1] + heights[-1] + MARGIN]


def _span(heights: list[float], first: int, last: int) -> float:
    return sum(heights[first : last + 1]) + ROW_GAP * (last - first)


def _idea_kind(idea: IdeaNode) -> str:
    return f"idea-{idea.status}" if f"idea-{idea.status}" in COLOURS else "idea"


def _x(column: int) -> float:
    return MARGIN + column * (COLUMN_WIDTH + GAP)


def _num(value: float) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text or "0"


def node_texts(tree: Tree) -> list[str]:
    """Every box's text in drawing order (the aim, then each primary driver with its direct
    ideas and its secondary drivers with theirs): what the list beside the SVG shows."""
    texts = [tree.aim]
    for driver in tree.drivers:
        texts.append(driver.text)
        texts.extend(idea.text for idea in driver.ideas)
        for child in driver.children:
            texts.append(child.text)
            texts.extend(idea.text for idea in child.ideas)
    return texts


def render_diagram_svg(
    tree: Tree,
    *,
    title: str,
    description: str,
    headings: tuple[str, str, str, str],
    id_prefix: str = "driver-diagram",
) -> str:
    """The diagram as a standalone SVG document. ``headings`` name the four columns."""
    boxes, (height,) = _layout(tree)
    width = MARGIN * 2 + 4 * COLUMN_WIDTH + 3 * GAP
    out = [
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 {width} {_num(height)}" width="{width}" '
        f'height="{_num(height)}" role="img" aria-labelledby="{id_prefix}-title {id_prefix}-desc" '
        f'class="driver-diagram" font-family="system-ui, sans-serif" font-size="{FONT_SIZE}">',
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{_num(height)}" fill="#ffffff"/>',
        '<g class="dd-headings" aria-hidden="true">',
    ]
    for column, heading in enumerate(headings):
        out.append(
            f'<text class="dd-heading" x="{_num(_x(column))}" y="{MARGIN + 12}" '
            f'font-weight="bold" fill="#333333">{escape(heading)}</text>'
        )
    out.append("</g>")
    out.append(f'<g class="dd-lines" fill="none" stroke="{LINE_COLOUR}" stroke-width="1.5">')
    for made in boxes:
        for child in made.children:
            x0 = _x(made.column) + COLUMN_WIDTH
            y0 = made.y + made.height / 2
            x1 = _x(child.column)
            y1 = child.y + child.height / 2
            middle = x0 + GAP / 2 if child.column == made.column + 1 else x1 - GAP / 2
            out.append(
                f'<path d="M{_num(x0)} {_num(y0)} H{_num(middle)} V{_num(y1)} H{_num(x1)}"/>'
            )
    out.append("</g>")
    out.append('<g class="dd-nodes">')
    for made in boxes:
        fill, stroke, ink = COLOURS[made.kind]
        x = _x(made.column)
        out.append(
            f'<g class="dd-node dd-node--{made.kind}">'
            f'<rect x="{_num(x)}" y="{_num(made.y)}" width="{COLUMN_WIDTH}" '
            f'height="{_num(made.height)}" rx="6" fill="{fill}" stroke="{stroke}" '
            'stroke-width="1.5"/>'
        )
        out.append(f'<text class="dd-text" fill="{ink}">')
        for index, line in enumerate(made.lines):
            y = made.y + PADDING + LINE_HEIGHT * (index + 1) - 4
            out.append(f'<tspan x="{_num(x + PADDING)}" y="{_num(y)}">{escape(line)}</tspan>')
        out.append("</text></g>")
    out.append("</g></svg>")
    return "\n".join(out)


# --------------------------------------------------------------------------------------------
# Progress scores over time across a network
# --------------------------------------------------------------------------------------------

PROGRESS_COLOURS = ("#1f5fa0", "#b35c00", "#1f7a3f", "#7a2f8f", "#a0122e", "#3f5560", "#6b5a00")


@dataclass(frozen=True, slots=True)
class ScoreLine:
    label: str
    points: Sequence[tuple[int, float]]  # (day number from the first day, score)


def render_progress_svg(
    lines: Sequence[ScoreLine],
    *,
    days: int,
    ticks: Sequence[tuple[int, str]],
    title: str,
    description: str,
    id_prefix: str = "progress-chart",
) -> str:
    """Each team's progress score as a step line from 0.5 to 5 over ``days`` days; ``ticks``
    label the x axis (day number, text). The table beside it holds the same numbers."""
    width, height = 760, 320
    left, right, top, bottom = 44, 200, 16, 36
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(day: int) -> float:
        return left + plot_w * (day / max(days, 1))

    def y(score: float) -> float:
        return top + plot_h * (1 - (score - 0.5) / 4.5)

    out = [
        f'<svg xmlns="{SVG_NS}" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="{id_prefix}-title {id_prefix}-desc" class="progress-chart" '
        'font-family="system-ui, sans-serif" font-size="11">',
        f'<title id="{id_prefix}-title">{escape(title)}</title>',
        f'<desc id="{id_prefix}-desc">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff"/>',
        '<g aria-hidden="true">',
    ]
    for score in range(1, 6):
        yy = _num(y(score))
        out.append(
            f'<line x1="{left}" y1="{yy}" x2="{left + plot_w}" y2="{yy}" stroke="#e6e6e6"/>'
            f'<text x="{left - 6}" y="{yy}" text-anchor="end" dominant-baseline="middle" '
            f'fill="#444444">{score}</text>'
        )
    for day, label in ticks:
        xx = _num(x(day))
        out.append(
            f'<text x="{xx}" y="{height - bottom + 16}" text-anchor="middle" fill="#444444">'
            f"{escape(label)}</text>"
        )
    out.append("</g>")
    placed: list[float] = []
    for index, line in enumerate(lines):
        if not line.points:
            continue
        colour = PROGRESS_COLOURS[index % len(PROGRESS_COLOURS)]
        commands: list[str] = []
        for number, (day, score) in enumerate(line.points):
            if number == 0:
                commands.append(f"M{_num(x(day))} {_num(y(score))}")
            else:
                commands.append(f"H{_num(x(day))} V{_num(y(score))}")
        commands.append(f"H{_num(x(days))}")
        out.append(
            f'<path d="{" ".join(commands)}" fill="none" stroke="{colour}" stroke-width="2.5"/>'
        )
        for day, score in line.points:
            out.append(
                f'<circle cx="{_num(x(day))}" cy="{_num(y(score))}" r="3.5" fill="{colour}"/>'
            )
        label_y = y(line.points[-1][1])
        while any(abs(label_y - other) < 13 for other in placed):
            label_y += 13
        placed.append(label_y)
        out.append(
            f'<text x="{_num(x(days) + 6)}" y="{_num(label_y)}" dominant-baseline="middle" '
            f'fill="{colour}">{escape(line.label[:30])}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)
