"""The leaders' view: stop points done on time per stop point (with a six-month trend), unit
and employee, and the overdue list of the units they lead. Every figure links down to the stop
points behind it (``leader_stop_points``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from forlop.core.dbrouter import replica_reads
from forlop.core.http import AuthedHttpRequest
from forlop.core.models import Unit, User
from forlop.core.selectors import is_leader, led_units
from forlop.core.validation import page_param
from forlop.pathways import mappers, selectors
from forlop.pathways.forms import AdherencePeriodForm, LeaderDrillForm
from forlop.pathways.views.common import patient_panels

TREND_MONTHS = 6
SPARK_WIDTH, SPARK_HEIGHT = 72, 28


@dataclass(frozen=True, slots=True)
class Trend:
    """A stop point's share on time per month, as a sparkline and in words."""

    points: list[selectors.TrendPoint]
    polyline: str
    words: str
    first: float | None
    last: float | None


def _trend(points: list[selectors.TrendPoint]) -> Trend:
    step = SPARK_WIDTH / max(len(points) - 1, 1)
    coords = [
        f"{i * step:.1f},{SPARK_HEIGHT - 2 - p.share_on_time * (SPARK_HEIGHT - 4):.1f}"
        for i, p in enumerate(points)
        if p.share_on_time is not None
    ]
    if len(coords) == 1:
        coords.append(coords[0])  # one month decided: a dot (round line caps), not nothing
    words = ", ".join(
        f"{formats.date_format(p.month, 'b')} "
        + ("–" if p.share_on_time is None else f"{round(p.share_on_time * 100)} %")
        for p in points
    )
    shares = [p.share_on_time for p in points if p.share_on_time is not None]
    return Trend(
        points=points,
        polyline=" ".join(coords),
        words=words,
        first=shares[0] if shares else None,
        last=shares[-1] if shares else None,
    )


@dataclass(frozen=True, slots=True)
class LeaderRow:
    row: selectors.AdherenceRow
    link: str
    """The query string of the stop points behind this row, without the status."""
    trend: Trend | None = None


def _period_query(data: dict[str, Any]) -> dict[str, str]:
    query = {
        "date_from": data["date_from"].strftime("%d.%m.%Y"),
        "date_to": data["date_to"].strftime("%d.%m.%Y"),
    }
    if data.get("unit") is not None:
        query["unit"] = str(data["unit"].pk)
    return query


def _row_link(by: str, key: Any, period: dict[str, str]) -> str:
    return urlencode({**period, "by": by, "key": "none" if key is None else str(key)})


def _tables(
    chosen: list[Unit],
    data: dict[str, Any],
    now: datetime,
    groupings: list[tuple[selectors.AdherenceBy, str]],
    period: dict[str, str],
) -> list[tuple[str, str, list[LeaderRow]]]:
    """The leaders' tables: adherence per stop point (with its trend), unit and employee."""
    trends = selectors.adherence_trend(
        units=chosen, last_day=data["date_to"], now=now, months=TREND_MONTHS
    )
    tables: list[tuple[str, str, list[LeaderRow]]] = []
    for by, title in groupings:
        rows = selectors.adherence(
            units=chosen,
            date_from=data["date_from"],
            date_to=data["date_to"],
            now=now,
            by=by,
        )
        tables.append(
            (
                by,
                title,
                [
                    LeaderRow(
                        row=row,
                        link=_row_link(by, row.key, period),
                        trend=_trend(trends[row.key])
                        if by == "definition" and row.key in trends
                        else None,
                    )
                    for row in rows
                ],
            )
        )
    return tables


@require_GET
def leader_view(request: AuthedHttpRequest) -> HttpResponse:
    if not is_leader(user=request.user):
        raise PermissionDenied
    units = led_units(user=request.user).select_related("organisation")
    today = timezone.localdate()
    initial = {"date_from": today - timedelta(days=30), "date_to": today}
    form = AdherencePeriodForm(request.GET or None, units=units, initial=initial)
    now = timezone.now()
    tables: list[tuple[str, str, list[LeaderRow]]] = []
    overdue: list[Any] = []
    status = 200
    if not form.is_bound or form.is_valid():
        data: dict[str, Any] = form.cleaned_data if form.is_bound else initial
        unit: Unit | None = data.get("unit")
        chosen: list[Unit] = [unit] if unit is not None else list(units)
        groupings: list[tuple[selectors.AdherenceBy, str]] = [
            ("definition", _("Per stop point")),
            ("unit", _("Per unit")),
            ("employee", _("Per employee")),
        ]
        period = _period_query(data)
        # The figures are aggregates that only read: on the read replica when one is
        # configured (forlop/core/dbrouter.py). The led units above and the overdue list
        # below (patients, audited) are read on the primary.
        with replica_reads():
            tables = _tables(chosen, data, now, groupings, period)
        unit_ids = {unit.pk for unit in chosen}
        work = selectors.worklist(user=request.user, now=now, unit=unit)
        overdue = [item for item in work.overdue if item.stop_point.pathway.unit_id in unit_ids]
    else:
        status = 400
    context = {
        "form": form,
        "tables": tables,
        "overdue": overdue,
        "now": now,
        "trend_months": TREND_MONTHS,
        "spark": {"width": SPARK_WIDTH, "height": SPARK_HEIGHT},
        **patient_panels(item.patient for item in overdue),
    }
    template = "pathways/leader.html#leader-results" if request.htmx else "pathways/leader.html"
    return render(request, template, context, status=status)


STATUS_TITLES: dict[str, Any] = {
    "due": gettext_lazy("Due in period"),
    "on_time": gettext_lazy("On time"),
    "late": gettext_lazy("Late"),
    "missed": gettext_lazy("Missed"),
    "pending": gettext_lazy("Not yet due"),
    "interrupted": gettext_lazy("Interrupted"),
    "not_relevant": gettext_lazy("Not relevant"),
}


def _row_label(by: str, key: str, units: list[Unit]) -> str:
    if by == "definition":
        from forlop.pathways.models import StopPointDefinition

        definition = (
            StopPointDefinition.objects.filter(code=key).order_by("-version__number", "-pk").first()
        )
        return definition.label if definition is not None else key
    if by == "unit":
        return next((u.name for u in units if str(u.pk) == key), key)
    if key == "none":
        return _("Nobody assigned")
    person = User.objects.filter(pk=int(key)).first()
    return str(person) if person is not None else key


@require_GET
def leader_stop_points(request: AuthedHttpRequest) -> HttpResponse:
    """The stop points behind one figure of the leaders' view: a row (stop point, unit or
    person) and a status, in the same period and units. Names only of the patients the leader
    has a service need for; the others are counted, not listed. The selector writes the
    audit row naming the patients shown."""
    if not is_leader(user=request.user):
        raise PermissionDenied
    units = led_units(user=request.user).select_related("organisation")
    form = LeaderDrillForm(request.GET, units=units)
    if not form.is_valid():
        return render(
            request,
            "pathways/leader_stop_points.html",
            {"form": form, "page": None, "back": ""},
            status=400,
        )
    data = form.cleaned_data
    now = timezone.now()
    chosen: list[Unit] = [data["unit"]] if data.get("unit") is not None else list(units)
    by, key, status = data["by"], data["key"], data["status"]
    total, page = selectors.adherence_stop_points_page(
        user=request.user,
        now=now,
        page_number=page_param(request.GET.get("page")),
        figure={"by": by, "key": key, "status": status},
        units=chosen,
        date_from=data["date_from"],
        date_to=data["date_to"],
        status=status,
        code=key if by == "definition" else "",
        unit_id=int(key) if by == "unit" else None,
        person_id=int(key) if by == "employee" and key != "none" else None,
        nobody=by == "employee" and key == "none",
    )
    rows = [(sp, mappers.stop_point_status(sp, now=now).value) for sp in page.object_list]
    querystring = request.GET.copy()
    querystring.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "total": total,
        "hidden": total - page.paginator.count,
        "status_title": STATUS_TITLES[status],
        "row_label": _row_label(by, key, chosen),
        "back": urlencode(_period_query(data)),
        "date_from": data["date_from"],
        "date_to": data["date_to"],
        "querystring": querystring.urlencode(),
    }
    return render(request, "pathways/leader_stop_points.html", context)
