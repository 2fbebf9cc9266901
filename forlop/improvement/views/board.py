"""The unit's huddle board (tavlemøte) for its short daily meeting on a wall screen: overdue
and today's stop points, new patients and falls and admissions since yesterday, the unit's
open change ideas and its run charts. It refreshes itself (htmx polling, no inline script)
and shows large type with nothing behind a hover.

Patient data comes only from the engine's access-checked read (``pathways.selectors.
unit_board``: members of the unit, service need, one audit row per read). Patients are named
as the unit may see them, or by initials only when the unit's leader has set so, or when the
board's address asks for it (``?initials=1``; an address can never ask for more).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from forlop.core.http import AuthedHttpRequest
from forlop.core.models import Membership, Role, Unit
from forlop.core.tz import OSLO
from forlop.improvement import method_forms, selectors, services
from forlop.improvement.models import BoardSetting
from forlop.measures.charts import series_svg
from forlop.measures.definitions import install_default_measures
from forlop.measures.models import Measure
from forlop.measures.selectors import default_window, measure_series, scope_for_unit
from forlop.pathways import selectors as engine
from forlop.patients.models import Patient

#: The board's measures: stop points done on time, then the trial's 3-of-4 measure.
ON_TIME = "stop-points-on-time"
THREE_OF_FOUR = ("main-checklists-3-of-4",)


def initials(patient: Patient) -> str:
    """ "Astrid Hansen" → "A. H."; double names give every part ("Anne-Lise" → "A.-L.")."""

    def part(name: str) -> str:
        return "-".join(f"{piece[:1].upper()}." for piece in name.split("-") if piece)

    words = [*patient.given_name.split(), *patient.family_name.split()]
    return " ".join(part(word) for word in words if word)


def _refresh_seconds() -> int:
    return int(getattr(settings, "FORLOP_BOARD_REFRESH_SECONDS", 30))


def _initials_only(request: AuthedHttpRequest, unit: Unit) -> bool:
    setting = BoardSetting.objects.filter(unit=unit).first()
    return bool(setting and setting.initials_only) or request.GET.get("initials") == "1"


def _since(today: date) -> Any:
    """The start of yesterday in Europe/Oslo: the board's "since yesterday"."""
    from datetime import datetime, time

    return datetime.combine(today - timedelta(days=1), time.min, tzinfo=OSLO)


def _live_context(request: AuthedHttpRequest, unit: Unit) -> dict[str, Any]:
    now = timezone.now()
    today = timezone.localdate()
    board = engine.unit_board(user=request.user, unit=unit, now=now, since=_since(today))
    hide = _initials_only(request, unit)

    def name(patient: Patient) -> str:
        return initials(patient) if hide else f"{patient.given_name} {patient.family_name}"

    return {
        "unit": unit,
        "now": now,
        "initials_only": hide,
        "overdue": [(name(item.patient), item) for item in board.work.overdue],
        "today": [(name(item.patient), item) for item in board.work.due_today],
        "new_pathways": [(name(p.patient), p) for p in board.new_pathways],
        "events": [(name(e.patient), e) for e in board.events],
        "refresh": _refresh_seconds(),
        "query": "?initials=1" if request.GET.get("initials") == "1" else "",
    }


def _charts(unit: Unit) -> list[dict[str, Any]]:
    install_default_measures()
    scope = scope_for_unit(unit)
    today, now = timezone.localdate(), timezone.now()
    found = {
        m.code: m
        for m in Measure.objects.filter(
            organisation__isnull=True, code__in=(ON_TIME, *THREE_OF_FOUR), active=True
        )
    }
    charts: list[dict[str, Any]] = []
    three = next((found[code] for code in THREE_OF_FOUR if code in found), None)
    for measure in (found.get(ON_TIME), three):
        if measure is None:
            continue
        first, last = default_window(today=today, period=measure.period, count=12)
        series = measure_series(
            measure,
            scope=scope,
            first=first,
            last=last,
            as_of=now,
            notes=selectors.cycle_notes(measure=measure, scope=scope),
        )
        charts.append(
            {
                "series": series,
                "svg": series_svg(series, size="large", id_prefix=f"board-{measure.code}"),
            }
        )
    return charts


@require_GET
def board_index(request: AuthedHttpRequest) -> HttpResponse:
    units = list(engine.board_units(user=request.user))
    if len(units) == 1:
        return redirect("improvement:board", code=units[0].code)
    return render(request, "improvement/board_index.html", {"units": units})


@require_GET
def board(request: AuthedHttpRequest, code: str) -> HttpResponse:
    unit = engine.board_unit_get_for_user(user=request.user, code=code)
    is_leader = Membership.objects.filter(
        user=request.user, unit=unit, active=True, role=Role.UNIT_LEADER
    ).exists()
    setting = BoardSetting.objects.filter(unit=unit).first()
    return render(
        request,
        "improvement/board.html",
        {
            **_live_context(request, unit),
            "charts": _charts(unit),
            "ideas": list(selectors.board_ideas(unit.pk)[:6]),
            "is_leader": is_leader,
            "setting_form": method_forms.BoardSettingForm(
                initial={"initials_only": bool(setting and setting.initials_only)}
            ),
        },
    )


@require_GET
def board_live(request: AuthedHttpRequest, code: str) -> HttpResponse:
    unit = engine.board_unit_get_for_user(user=request.user, code=code)
    if request.GET.get("part") == "charts":
        return render(
            request,
            "improvement/board.html#board-charts",
            {
                "unit": unit,
                "charts": _charts(unit),
                "ideas": list(selectors.board_ideas(unit.pk)[:6]),
            },
        )
    return render(request, "improvement/board.html#board-live", _live_context(request, unit))


@require_POST
def board_settings(request: AuthedHttpRequest, code: str) -> HttpResponse:
    unit = engine.board_unit_get_for_user(user=request.user, code=code)
    form = method_forms.BoardSettingForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        services.board_setting_set(
            unit=unit, actor=request.user, initials_only=form.cleaned_data["initials_only"]
        )
    except PermissionDenied:
        raise Http404 from None
    messages.success(
        request,
        _("The board shows initials only.")
        if form.cleaned_data["initials_only"]
        else _("The board shows the patients' names."),
    )
    return redirect("improvement:board", code=unit.code)
