"""A measure series drawn as SVG: the chart code for every page, export and PDF that shows a
series (``svg.py`` draws; this picks the title, format, notes and size from the series)."""

from __future__ import annotations

from django.utils.translation import gettext

from forlop.measures.selectors import Series
from forlop.measures.svg import format_number, percent_format, render_chart_svg

SIZES = {"large": (760, 340), "small": (560, 260), "tiny": (360, 200)}


#: ``series_svg(target=...)`` left out: the measure's own target.
MEASURE_TARGET = object()


def series_svg(
    series: Series,
    *,
    size: str = "large",
    id_prefix: str | None = None,
    target: float | object | None = MEASURE_TARGET,
    target_label: str | None = None,
) -> str:
    """The series' chart. ``target`` (a team's aim, say) replaces the measure's own target
    line, ``target_label`` names it on the chart ("Aim 90 % by June")."""
    width, height = SIZES[size]
    line = series.measure.target if target is MEASURE_TARGET else target
    note = None
    if series.result.too_few_points:
        note = gettext("Too few points for runs analysis: no signal is shown.")
    y_format = percent_format if series.measure.is_proportion else format_number
    if target_label is None and target is MEASURE_TARGET and isinstance(line, int | float):
        # The measure's own target line says what it is ("Målverdi 90 %"), as an aim does.
        target_label = gettext("Target %(value)s") % {"value": y_format(line)}
    return render_chart_svg(
        series.result,
        title=gettext(series.measure.name),  # shipped names are msgids; team names pass through
        description=" ".join(series.signals),
        labels=series.labels,
        target=line if isinstance(line, int | float) else None,
        target_label=target_label,
        annotations=series.svg_annotations,
        width=width,
        height=height,
        y_format=y_format,
        note=note,
        id_prefix=id_prefix or f"chart-{series.measure.code}",
    )
