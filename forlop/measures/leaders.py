"""The trial's measure per employee on the leaders' view (/pathways/leaders/): the pathways
each primary contact holds that got at least 3 of the 4 main checklists, by month as a run
chart with the Anhøj rules, and the same per unit the leader leads.

Per employee means per **primary contact** (``Pathway.primary_contact``), not per owner of a
stop point: the 3-of-4 measure counts pathways, and the primary contact is the one person who
holds a pathway from start to end (HPH1 appoints her; she does HPH2 and HPH5 and follows up
the rest). The stop points' owners change along the chain (the allocation office, home care,
the GP), so adherence per stop-point owner is the leaders' view's stop-point table, not this.

Counted as the measure ``main-checklists-3-of-4`` counts, through the grouped pass
(``compute.counts_by_pathway_field``): one aggregate query grouped by primary contact and
month, and one grouped by unit and month, whatever the number of employees or units. The
table sums the last six ended months; the charts show 24. Groups with fewer than
``FORLOP_SUPPRESS_BELOW`` pathways show no numbers, in the table and in every month of a
chart: a share over a handful of patients says nothing about a person, and a leader should
not read it so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from forlop.core.dbrouter import replica_reads
from forlop.core.models import User
from forlop.measures.compute import (
    MAIN_CHECKLISTS_AT_LEAST,
    PeriodCount,
    Scope,
    counts_by_pathway_field,
    period_starts,
)
from forlop.measures.models import Computation, Measure, Period, ScopeLevel
from forlop.measures.selectors import Series, default_window, period_display, series_from_counts

MONTHS = 6  # the table
CHART_MONTHS = 24  # the run charts
MEASURE_CODE = "main-checklists-3-of-4"


@dataclass(frozen=True, slots=True)
class EmployeeRow:
    """One primary contact (None: pathways with none), or one unit (``user_id`` None,
    ``unit_id`` set). ``pathways`` and ``met`` (the last six months) are None where the
    group is too small to show; ``series`` is the 24 months' run chart (small months
    suppressed), None when every month is empty."""

    user_id: int | None
    name: str
    pathways: int | None
    met: int | None
    series: Series | None = None
    unit_id: int | None = None
    svg: str = ""  # the run chart, "" when every month is empty or suppressed

    @property
    def share(self) -> float | None:
        if not self.pathways or self.met is None:
            return None
        return self.met / self.pathways

    @property
    def chart_id(self) -> str:
        if self.unit_id is not None:
            return f"three-of-four-unit-{self.unit_id}"
        return f"three-of-four-employee-{self.user_id or 'none'}"


@dataclass(frozen=True, slots=True)
class EmployeeSection:
    first: str
    last: str
    rows: tuple[EmployeeRow, ...]
    suppress_below: int
    at_least: int
    suppressed: int
    units: tuple[EmployeeRow, ...] = ()
    chart_first: str = ""


def _measure() -> Measure:
    """The shipped 3-of-4 measure (its parameter "at least"), or an unsaved one like it."""
    found = Measure.objects.filter(code=MEASURE_CODE, organisation__isnull=True).first()
    return found or Measure(
        code=MEASURE_CODE,
        name="Patients who got at least 3 of the 4 main checklists",
        computation=Computation.MAIN_CHECKLISTS,
        period=Period.MONTH,
        parameters={"at_least": MAIN_CHECKLISTS_AT_LEAST},
    )


def three_of_four_by_month(
    *,
    unit_ids: tuple[int, ...],
    first: date,
    last: date,
    field: str = "primary_contact_id",
    measure: Measure | None = None,
) -> dict[int | None, list[PeriodCount]]:
    """The 3-of-4 measure in the units, split by ``field`` of the pathway (the primary
    contact, or ``unit_id``) and by month from the month holding ``first`` to the one
    holding ``last``: group -> a count for every month (zero where none). One query."""
    measure = measure or _measure()
    scope = Scope(level=ScopeLevel.UNIT, code="leader", name="", ids=unit_ids)
    starts = period_starts(first, last, Period.MONTH)
    found = counts_by_pathway_field(
        measure, scope=scope, field=field, starts=starts, as_of=timezone.now()
    )
    return {
        group: [PeriodCount(start, *by_start.get(start, (0.0, 0.0))) for start in starts]
        for group, by_start in found.items()
    }


def three_of_four_per_employee(
    *, unit_ids: tuple[int, ...], first: date, last: date
) -> list[tuple[int | None, int, int]]:
    """(primary contact id, settled pathways, of them with at least 3 main checklists) for
    pathways of the units started from the month holding ``first`` to the one holding
    ``last``: the monthly counts summed (one GROUP BY query)."""
    by_month = three_of_four_by_month(unit_ids=unit_ids, first=first, last=last)
    return [
        (
            pk,
            int(sum(c.denominator or 0 for c in counts)),
            int(sum(c.numerator or 0 for c in counts)),
        )
        for pk, counts in by_month.items()
    ]


def _row(
    *,
    key: int | None,
    name: str,
    counts: list[PeriodCount],
    table_from: date,
    measure: Measure,
    below: int,
    unit: bool = False,
) -> EmployeeRow:
    recent = [c for c in counts if c.period_start >= table_from]
    n = int(sum(c.denominator or 0 for c in recent))
    met = int(sum(c.numerator or 0 for c in recent))
    # Seen as from outside the group: a month under the threshold is suppressed.
    scope = Scope(
        level=ScopeLevel.UNIT,
        code=f"{'unit' if unit else 'employee'}-{key}",
        name=name,
        ids=(key or 0,),
        across_organisations=True,
    )
    series, svg = None, ""
    if any(c.denominator for c in counts):
        series = series_from_counts(
            measure, scope, counts, {}, (), chart="run", as_of=timezone.now()
        )
        if any(point.value is not None for point in series.points):
            svg = _chart(series, name=name, chart_id=f"{'unit' if unit else 'employee'}-{key}")
    return EmployeeRow(
        user_id=None if unit else key,
        unit_id=key if unit else None,
        name=name,
        pathways=None if n < below else n,
        met=None if n < below else met,
        series=series,
        svg=svg,
    )


def _chart(series: Series, *, name: str, chart_id: str) -> str:
    """A small run chart titled with the person's or unit's name; its signals in words are
    the chart's description (and shown beside it)."""
    from django.utils.translation import gettext

    from forlop.measures.charts import SIZES
    from forlop.measures.svg import percent_format, render_chart_svg

    width, height = SIZES["small"]
    note = None
    if series.result.too_few_points:
        note = gettext("Too few points for runs analysis: no signal is shown.")
    return render_chart_svg(
        series.result,
        title=name,
        description=" ".join(series.signals),
        labels=series.labels,
        width=width,
        height=height,
        y_format=percent_format,
        note=note,
        id_prefix=f"three-of-four-{chart_id}",
    )


def leader_section(user: User, today: date) -> EmployeeSection | None:
    """The leaders' view: 3 of 4 per primary contact and per unit in the units the user
    leads, the last six months as a table and 24 months as run charts (five queries: the led
    units, the measure, the counts by primary contact and month, by unit and month, and the
    names)."""
    from django.utils.translation import gettext as _

    from forlop.core.selectors import led_units

    units = {unit.pk: unit for unit in led_units(user=user).order_by("name")}
    unit_ids = tuple(units)
    if not unit_ids:
        return None
    first, last = default_window(today=today, period=Period.MONTH, count=CHART_MONTHS)
    table_from, _last = default_window(today=today, period=Period.MONTH, count=MONTHS)
    # The counts only read: on the read replica when one is configured (core/dbrouter.py);
    # the led units above, which decide what the leader may see, were read on the primary.
    with replica_reads():
        measure = replace_period(_measure())
        by_contact = three_of_four_by_month(
            unit_ids=unit_ids, first=first, last=last, measure=measure
        )
        by_unit = three_of_four_by_month(
            unit_ids=unit_ids, first=first, last=last, field="unit_id", measure=measure
        )
    names = {
        person.pk: str(person)
        for person in User.objects.filter(pk__in=[pk for pk in by_contact if pk])
    }
    below = int(getattr(settings, "FORLOP_SUPPRESS_BELOW", 5))
    rows = [
        _row(
            key=pk,
            name=names.get(pk, "") if pk else _("No primary contact"),
            counts=counts,
            table_from=table_from,
            measure=measure,
            below=below,
        )
        for pk, counts in by_contact.items()
    ]
    rows.sort(key=lambda row: (row.user_id is None, row.name))
    unit_rows = [
        _row(
            key=pk,
            name=units[pk].name,
            counts=by_unit[pk],
            table_from=table_from,
            measure=measure,
            below=below,
            unit=True,
        )
        for pk in unit_ids
        if pk in by_unit
    ]
    return EmployeeSection(
        first=period_display(table_from, Period.MONTH),
        last=period_display(last, Period.MONTH),
        chart_first=period_display(first, Period.MONTH),
        rows=tuple(rows),
        units=tuple(unit_rows),
        suppress_below=below,
        at_least=int((measure.parameters or {}).get("at_least", MAIN_CHECKLISTS_AT_LEAST)),
        suppressed=sum(1 for row in rows if row.pathways is None),
    )


def replace_period(measure: Measure) -> Measure:
    """The measure by month (the leaders' view is monthly whatever the stored period)."""
    if measure.period == Period.MONTH:
        return measure
    copy = Measure(
        **{f.attname: getattr(measure, f.attname) for f in Measure._meta.concrete_fields}
    )
    copy.period = Period.MONTH
    return copy
