"""The team's aims drawn with their measures' charts (SVG), for the team's pages, the status
report and the poster. The annotations are handed to the chart code as plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils.translation import gettext as _

from forlop.improvement.models import Aim, AimMeasure, Team
from forlop.improvement.selectors import chart_notes, team_scope
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


def aim_charts(
    team: Team, *, today: date, as_of: datetime, size: str = "small", active_only: bool = True
) -> list[AimChart]:
    scope = team_scope(team)
    aims = team.aims.prefetch_related("aim_measures__measure").order_by("pk")
    if active_only:
        aims = aims.filter(status=Aim.Status.ACTIVE)
    charts: list[AimChart] = []
    for aim in aims:
        links = sorted(
            aim.aim_measures.all(), key=lambda link: (ROLE_ORDER.get(link.role, 9), link.pk)
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
                notes=chart_notes(measure=measure, scope=scope),
            )
            svg = series_svg(series, size=size, id_prefix=f"aim{aim.pk}-{measure.code}")
            charts.append(AimChart(aim, measure, link.role, series, svg))
    return charts


def role_label(role: str) -> str:
    return str(AimMeasure.Role(role).label) if role in AimMeasure.Role.values else _("Measure")
