"""The team's aims drawn with their measures' charts (SVG), for the team's pages, the leader's
view, the status report and the poster. The annotations and the PDSA cycles that target the
measure are handed to the chart code as plain values, and the aim's target (value and date)
is drawn on each outcome and process chart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from forlop.improvement.models import Aim, AimMeasure, Team
from forlop.improvement.selectors import chart_notes_with_cycles, team_scope
from forlop.measures.charts import series_svg
from forlop.measures.models import Measure
from forlop.measures.selectors import Series, default_window, measure_series
from forlop.measures.svg import format_number, percent_format

ROLE_ORDER = {AimMeasure.Role.OUTCOME: 0, AimMeasure.Role.PROCESS: 1, AimMeasure.Role.BALANCING: 2}


@dataclass(frozen=True, slots=True)
class AimChart:
    aim: Aim
    measure: Measure
    role: str
    series: Series
    svg: str

    @property
    def latest(self) -> str:
        """The last period's value in words, or a dash."""
        for point in reversed(self.series.points):
            if point.value is not None:
                shown = (
                    percent_format(point.value)
                    if self.measure.is_proportion
                    else format_number(point.value)
                )
                return f"{shown} ({point.label})"
        return "–"

    @property
    def target(self) -> str:
        value = self.aim.target_value
        if value is None:
            return ""
        return percent_format(value) if self.measure.is_proportion else format_number(value)


def target_words(aim: Aim, measure: Measure) -> str:
    """The aim's target as it is written on the chart: "Aim 90 % by 1. June 2026"."""
    if aim.target_value is None:
        return ""
    value = (
        percent_format(aim.target_value)
        if measure.is_proportion
        else format_number(aim.target_value)
    )
    if aim.target_date is None:
        return _("Aim %(value)s") % {"value": value}
    return _("Aim %(value)s by %(date)s") % {
        "value": value,
        "date": date_format(aim.target_date, "j. F Y"),
    }


def aim_charts(
    team: Team,
    *,
    today: date,
    as_of: datetime,
    size: str = "small",
    active_only: bool = True,
    aim: Aim | None = None,
) -> list[AimChart]:
    scope = team_scope(team)
    aims = team.aims.prefetch_related("aim_measures__measure").order_by("pk")
    if active_only:
        aims = aims.filter(status=Aim.Status.ACTIVE)
    if aim is not None:
        aims = aims.filter(pk=aim.pk)
    charts: list[AimChart] = []
    for each in aims:
        links = sorted(
            each.aim_measures.all(), key=lambda link: (ROLE_ORDER.get(link.role, 9), link.pk)
        )
        for link in links:
            measure = link.measure
            first, last = default_window(today=today, period=measure.period)
            series = measure_series(
                measure,
                scope=scope,
                first=first,
                last=last,
                as_of=as_of,
                notes=chart_notes_with_cycles(measure=measure, scope=scope),
            )
            balancing = link.role == AimMeasure.Role.BALANCING
            svg = series_svg(
                series,
                size=size,
                id_prefix=f"aim{each.pk}-{measure.code}",
                # The aim's target on its own measures; a balancing measure keeps its own.
                target=measure.target if balancing else each.target_value,
                target_label=None if balancing else target_words(each, measure) or None,
            )
            charts.append(AimChart(each, measure, link.role, series, svg))
    return charts


def role_label(role: str) -> str:
    return str(AimMeasure.Role(role).label) if role in AimMeasure.Role.values else _("Measure")
