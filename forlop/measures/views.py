"""Measure pages: the list of scopes, a dashboard per unit/municipality/network, a chart page
per measure (run chart first, control chart on request) with annotations, closing a period,
importing hand-registered values, and exports.

Only aggregates are shown; no patient is named anywhere here.

The pages and exports that only read compute their numbers inside ``replica_reads()``: on the
read replica when one is configured (forlop/core/dbrouter.py), after the access check and the
installation of the default measures, which stay on the primary. The chart page also reads
there whether to show its forms (``user_may_edit``); the forms that write (an annotation,
closing a period, an import) check again, read and write on the primary.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forlop.core.dbrouter import replica_reads
from forlop.core.http import AuthedHttpRequest
from forlop.measures import exports, importers, registry, selectors, services
from forlop.measures.charts import series_svg
from forlop.measures.compute import Scope
from forlop.measures.definitions import install_default_measures
from forlop.measures.forms import AnnotationForm, ClosePeriodForm, ImportForm
from forlop.measures.models import Measure
from forlop.measures.selectors import Series

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _window(request: AuthedHttpRequest, measure_period: str) -> tuple[date, date]:
    return selectors.default_window(today=timezone.localdate(), period=measure_period)


def _svg(series: Series, *, small: bool = False, tiny: bool = False) -> str:
    """The series' chart, or "" when it has no value to draw (every period empty or suppressed,
    as in a small network): the page says so instead of drawing an empty 85–105 % axis."""
    if all(point.value is None for point in series.points):
        return ""
    return series_svg(series, size="tiny" if tiny else "small" if small else "large")


def _series(
    request: AuthedHttpRequest, measure: Measure, scope: Scope, chart: str = "run"
) -> Series:
    first, last = _window(request, measure.period)
    return selectors.measure_series(
        measure, scope=scope, first=first, last=last, as_of=timezone.now(), chart=chart
    )


def _dashboard_series(scope: Scope) -> list[Series]:
    """The dashboard's series (the page and its downloads alike): from the rollup when it is
    fresh enough (``FORLOP_MEASURES_ROLLUP_MAX_AGE`` seconds, 0 for always live)."""
    seconds = settings.FORLOP_MEASURES_ROLLUP_MAX_AGE
    return selectors.dashboard_series(
        list(selectors.measures_for_scope(scope=scope)),
        scope=scope,
        today=timezone.localdate(),
        now=timezone.now(),
        max_age=timedelta(seconds=seconds) if seconds > 0 else None,
    )


@require_GET
def measure_index(request: AuthedHttpRequest) -> HttpResponse:
    scopes = selectors.scopes_for_user(user=request.user)
    return render(request, "measures/index.html", {"scopes": scopes})


@require_GET
def dashboard(request: AuthedHttpRequest, level: str, code: str) -> HttpResponse:
    scope = selectors.scope_get_for_user(user=request.user, level=level, code=code)
    install_default_measures()
    cards = []
    with replica_reads():
        all_series = _dashboard_series(scope)
        for series in all_series:
            measure = series.measure
            first, last = _window(request, measure.period)
            cards.append(
                {
                    "series": series,
                    "svg": _svg(series, small=True),
                    "by_stop_point": selectors.shows_stop_point_breakdown(measure),
                    "not_over": selectors.windows_not_over(
                        measure, scope=scope, first=first, last=last, as_of=series.as_of
                    ),
                }
            )
    return render(
        request,
        "measures/dashboard.html",
        {
            "scope": scope,
            "cards": cards,
            "as_of": min((series.as_of for series in all_series), default=None),
            "may_edit": selectors.user_may_edit(user=request.user, scope=scope),
        },
    )


def _chart_context(
    request: AuthedHttpRequest, scope: Scope, measure: Measure, form: AnnotationForm | None = None
) -> dict[str, Any]:
    chart = measure.chart if request.GET.get("chart") == "control" else "run"
    series = _series(request, measure, scope, chart)
    by_stop_point = []
    if selectors.shows_stop_point_breakdown(measure):
        first, last = _window(request, measure.period)
        by_stop_point = [
            {"row": row, "svg": _svg(row.series, tiny=True)}
            for row in selectors.on_time_by_stop_point(
                scope=scope, first=first, last=last, as_of=series.as_of
            )
        ]
    first, last = _window(request, measure.period)
    statuses = (
        selectors.statuses_by_stop_point(
            measure, scope=scope, first=first, last=last, as_of=series.as_of
        )
        if selectors.shows_statuses(measure)
        else []
    )
    distribution = (
        selectors.main_checklist_distribution(
            scope=scope, first=first, last=last, as_of=series.as_of
        )
        if selectors.shows_distribution(measure)
        else []
    )
    return {
        "not_over": selectors.windows_not_over(
            measure, scope=scope, first=first, last=last, as_of=series.as_of
        ),
        "statuses": statuses,
        "distribution": distribution,
        "by_stop_point": by_stop_point,
        "scope": scope,
        "measure": measure,
        "series": series,
        "svg": _svg(series),
        "control": chart != "run",
        "form": form or AnnotationForm(initial={"date": timezone.localdate()}),
        "import_form": ImportForm() if measure.is_manual else None,
        "may_edit": selectors.user_may_edit(user=request.user, scope=scope),
        "notes_enabled": registry.note_store() is not None,
        "changed": [p for p in series.points if p.changed_since_closed],
    }


@require_GET
def measure_chart(request: AuthedHttpRequest, level: str, code: str, measure: str) -> HttpResponse:
    scope = selectors.scope_get_for_user(user=request.user, level=level, code=code)
    found = selectors.measure_get_for_scope(scope=scope, code=measure)
    with replica_reads():
        context = _chart_context(request, scope, found)
    return render(request, "measures/chart.html", context)


@require_POST
def annotation_create(
    request: AuthedHttpRequest, level: str, code: str, measure: str
) -> HttpResponse:
    scope = selectors.scope_get_for_user(user=request.user, level=level, code=code)
    found = selectors.measure_get_for_scope(scope=scope, code=measure)
    store = registry.note_store()
    if store is None or not selectors.user_may_edit(user=request.user, scope=scope):
        raise Http404
    form = AnnotationForm(request.POST)
    if form.is_valid():
        store.note_add(
            measure=found,
            scope=scope,
            actor=request.user,
            on=form.cleaned_data["date"],
            text=form.cleaned_data["text"],
            part_ends_here=form.cleaned_data["part_ends_here"],
        )
        messages.success(request, _("The annotation was added to the chart."))
        return redirect("measures:chart", level=level, code=code, measure=measure)
    return render(
        request, "measures/chart.html", _chart_context(request, scope, found, form), status=400
    )


@require_POST
def period_close_view(
    request: AuthedHttpRequest, level: str, code: str, measure: str
) -> HttpResponse:
    scope = selectors.scope_get_for_user(user=request.user, level=level, code=code)
    found = selectors.measure_get_for_scope(scope=scope, code=measure)
    form = ClosePeriodForm(request.POST)
    if not selectors.user_may_edit(user=request.user, scope=scope) or not form.is_valid():
        raise Http404
    try:
        services.period_close(
            measure=found,
            scope=scope,
            period_start=form.cleaned_data["period_start"],
            actor=request.user,
        )
    except services.PeriodAlreadyClosed as exc:
        # 409 Conflict: someone closed it first (perhaps this very moment); nothing changed.
        messages.warning(
            request,
            _("This period was already closed on %(when)s; its first numbers are kept.")
            % {
                "when": formats.date_format(
                    timezone.localtime(exc.snapshot.created_at), "SHORT_DATETIME_FORMAT"
                )
            },
        )
        return render(
            request, "measures/chart.html", _chart_context(request, scope, found), status=409
        )
    messages.success(request, _("The period was closed: its numbers are kept as they are now."))
    return redirect("measures:chart", level=level, code=code, measure=measure)


@require_http_methods(["GET", "POST"])
def values_import(request: AuthedHttpRequest, level: str, code: str, measure: str) -> HttpResponse:
    scope = selectors.scope_get_for_user(user=request.user, level=level, code=code)
    found = selectors.measure_get_for_scope(scope=scope, code=measure)
    if not found.is_manual or not selectors.user_may_edit(user=request.user, scope=scope):
        raise Http404
    # An upload stopped on the way in (core/uploads.py) is "too large", not "no file chosen".
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        too_large=getattr(request, "upload_too_large", False),
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            count = importers.values_import(
                measure=found, filename=upload.name, content=upload.read(), actor=request.user
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            messages.success(request, _("%(count)d periods imported.") % {"count": count})
            return redirect("measures:chart", level=level, code=code, measure=measure)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "measures/import.html",
        {"scope": scope, "measure": found, "import_form": form},
        status=status,
    )


def _export_response(all_series: list[Series], fmt: str, name: str) -> HttpResponse:
    if fmt == "csv":
        content: str | bytes = exports.to_csv(all_series)
    elif fmt == "json":
        content = exports.to_json(all_series)
    elif fmt == "xlsx":
        content = exports.to_xlsx(all_series)
    else:
        raise Http404
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@require_GET
def measure_export(
    request: AuthedHttpRequest, level: str, code: str, measure: str, fmt: str
) -> HttpResponse:
    scope = selectors.scope_get_for_user(user=request.user, level=level, code=code)
    found = selectors.measure_get_for_scope(scope=scope, code=measure)
    chart = found.chart if request.GET.get("chart") == "control" else "run"
    with replica_reads():
        series = _series(request, found, scope, chart)
    return _export_response([series], fmt, f"{scope.code}-{found.code}")


@require_GET
def dashboard_export(request: AuthedHttpRequest, level: str, code: str, fmt: str) -> HttpResponse:
    scope = selectors.scope_get_for_user(user=request.user, level=level, code=code)
    with replica_reads():
        all_series = _dashboard_series(scope)
    return _export_response(all_series, fmt, f"{scope.code}-measures")
