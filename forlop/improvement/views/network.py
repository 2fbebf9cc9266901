"""The coordinator's pages: the network, its plan, teams and guidance; and the start page of the
learning network. The gatherings have their own module (``gatherings``).

No page here shows patient data: teams' deadlines, reports and posters, and the network's
measures as aggregates with small counts suppressed.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forlop.core.dbrouter import replica_reads
from forlop.core.http import AuthedHttpRequest
from forlop.core.models import Organisation
from forlop.improvement import access, forms, rules, selectors, services
from forlop.improvement.models import (
    GuidanceInvitation,
    GuidanceSession,
    Network,
)
from forlop.improvement.views.common import apply, run, status
from forlop.improvement.views.gatherings import send_and_report
from forlop.measures.selectors import (
    default_window,
    measure_series,
    measure_series_grouped,
    measures_for_scope,
    scope_for_organisation,
)


@require_GET
def improvement_index(request: AuthedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    networks = list(selectors.networks_coordinated_by(user=request.user).order_by("-starts_on"))
    teams = list(selectors.teams_for_member(user=request.user))
    rows = []
    for network in networks:
        dates = selectors.gathering_dates(network)
        rows.append(
            {
                "network": network,
                "phase": rules.phase_on(today, dates),
                "teams": network.teams.filter(withdrawn_on__isnull=True).count(),
                "active": rules.within(today, network.starts_on, network.ends_on),
            }
        )
    return render(request, "improvement/index.html", {"networks": rows, "teams": teams})


def _network_measures(network: Network, *, today: date) -> list[dict[str, object]]:
    """The network's measures across its organisations: aggregates only, small cells
    suppressed (the last six ended periods of each)."""
    scope = selectors.scope_for_network(network)
    rows: list[dict[str, object]] = []
    as_of = timezone.now()
    for measure in measures_for_scope(scope=scope):
        first, last = default_window(today=today, period=measure.period)
        series = measure_series(measure, scope=scope, first=first, last=last, as_of=as_of)
        rows.append({"series": series, "points": series.points[-6:]})
    return rows


def _side_by_side(
    network: Network, *, today: date
) -> tuple[list[Organisation], list[dict[str, object]]]:
    """The network's organisations side by side: for each measure, each member's value in the
    last ended period. Seen from outside each organisation, so small cells are suppressed as
    in the network's aggregate (``across_organisations``). One grouped pass per measure for
    every member (``measure_series_grouped``): the query count does not grow with the
    network's size."""
    members = list(network.members.order_by("name"))
    scopes = [
        dataclasses.replace(scope_for_organisation(org), across_organisations=True)
        for org in members
    ]
    as_of = timezone.now()
    rows: list[dict[str, object]] = []
    for measure in measures_for_scope(scope=selectors.scope_for_network(network)):
        first, last = default_window(today=today, period=measure.period)
        # Only the last point is shown: no chart, so no annotations to read.
        all_series = measure_series_grouped(
            measure, scopes=scopes, first=first, last=last, as_of=as_of, notes={}
        )
        cells = []
        latest = None
        for org, scope in zip(members, scopes, strict=True):
            series = all_series[scope.code]
            point = series.points[-1] if series.points else None
            latest = latest or point
            cells.append({"organisation": org, "point": point})
        rows.append({"measure": measure, "cells": cells, "period": latest})
    return members, rows


@require_GET
def network_detail(request: AuthedHttpRequest, code: str) -> HttpResponse:
    network = selectors.network_get_for_coordinator(user=request.user, code=code)
    today = timezone.localdate()
    dates = selectors.gathering_dates(network)
    overview = selectors.network_overview(network, today=today)
    # The network's measures are aggregates that only read: on the read replica when one is
    # configured (forlop/core/dbrouter.py), after the coordinator's access check above.
    with replica_reads():
        measures = _network_measures(network, today=today)
        side_by_side = _side_by_side(network, today=today)
    return render(
        request,
        "improvement/network_detail.html",
        {
            "network": network,
            "today": today,
            "phase": rules.phase_on(today, dates),
            "calendar": selectors.network_calendar(network),
            "gatherings": selectors.network_gatherings(network),
            "overview": overview,
            "guidance": network.guidance.select_related("guide").order_by("starts_at"),
            "coordinators": network.coordinators.order_by("last_name"),
            "participants": network.members.order_by("kind", "name"),
            "measures": measures,
            "side_by_side": side_by_side,
            "suppress_below": settings.FORLOP_SUPPRESS_BELOW,
            "plan_form": forms.PlanGatheringsForm() if not dates else None,
        },
    )


@require_http_methods(["GET", "POST"])
def network_edit(request: AuthedHttpRequest, code: str) -> HttpResponse:
    network = selectors.network_get_for_coordinator(user=request.user, code=code)
    initial = {
        "name": network.name,
        "region": network.region,
        "health_community": network.health_community,
        "starts_on": network.starts_on,
        "ends_on": network.ends_on,
    }
    form = forms.NetworkForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        done = apply(
            form,
            lambda: services.network_update(
                network=network, actor=request.user, **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, _("The network was saved."))
            return redirect("improvement:network", code=network.code)
    return render(
        request,
        "improvement/form_page.html",
        {
            "form": form,
            "title": _("Edit the network"),
            "back": ("improvement:network", network.code, network.name),
            "submit": _("Save"),
        },
        status=status(form),
    )


@require_POST
def network_plan(request: AuthedHttpRequest, code: str) -> HttpResponse:
    network = selectors.network_get_for_coordinator(user=request.user, code=code)
    form = forms.PlanGatheringsForm(request.POST)
    if form.is_valid():
        done = apply(
            form,
            lambda: services.network_plan_gatherings(
                network=network,
                actor=request.user,
                first_gathering=form.cleaned_data["first_gathering"],
                place=form.cleaned_data["place"],
            ),
        )
        if done is not None:
            messages.success(request, _("The gatherings were planned; move each as needed."))
            return redirect("improvement:network", code=network.code)
    for error in [e for errors in form.errors.values() for e in errors]:
        messages.error(request, str(error))
    return redirect("improvement:network", code=network.code)


@require_http_methods(["GET", "POST"])
def team_create(request: AuthedHttpRequest, code: str) -> HttpResponse:
    network = selectors.network_get_for_coordinator(user=request.user, code=code)
    form = forms.TeamCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        team = apply(
            form,
            lambda: services.team_create(network=network, actor=request.user, **form.cleaned_data),
        )
        if team is not None:
            messages.success(request, _("The team was created."))
            return redirect("improvement:team", pk=team.pk)
    return render(
        request,
        "improvement/form_page.html",
        {
            "form": form,
            "title": _("New team"),
            "back": ("improvement:network", network.code, network.name),
            "submit": _("Create the team"),
        },
        status=status(form),
    )


@require_http_methods(["GET", "POST"])
def guidance_create(request: AuthedHttpRequest, code: str) -> HttpResponse:
    network = selectors.network_get_for_coordinator(user=request.user, code=code)
    teams = network.teams.filter(withdrawn_on__isnull=True).order_by("name")
    dates = selectors.gathering_dates(network)
    hint = ""
    if 1 in dates:
        first, last = rules.guidance_window_after_first(dates[1])
        hint = _("Guidance after gathering 1: between %(first)s and %(last)s.") % {
            "first": date_format(first, "SHORT_DATE_FORMAT"),
            "last": date_format(last, "SHORT_DATE_FORMAT"),
        }
    if 2 in dates and 3 in dates:
        midway = rules.guidance_midway(dates[2], dates[3])
        hint += " " + _("Midway between gatherings 2 and 3: about %(date)s.") % {
            "date": date_format(midway, "SHORT_DATE_FORMAT")
        }
    form = forms.GuidanceForm(request.POST or None, teams=teams, initial={"teams": list(teams)})
    if request.method == "POST" and form.is_valid():
        session = apply(
            form,
            lambda: services.guidance_create(
                network=network,
                actor=request.user,
                title=form.cleaned_data["title"],
                starts_at=form.cleaned_data["starts_at"],
                place=form.cleaned_data["place"],
                online=form.cleaned_data["online"],
                teams=list(form.cleaned_data["teams"]),
            ),
        )
        if session is not None:
            messages.success(request, _("The teams are invited to guidance."))
            return redirect("improvement:guidance", pk=session.pk)
    return render(
        request,
        "improvement/form_page.html",
        {
            "form": form,
            "title": _("New guidance session"),
            "intro": hint.strip(),
            "back": ("improvement:network", network.code, network.name),
            "submit": _("Invite the teams"),
        },
        status=status(form),
    )


def _session_for(request: AuthedHttpRequest, pk: int) -> tuple[GuidanceSession, bool]:
    session = GuidanceSession.objects.select_related("network", "guide").filter(pk=pk).first()
    if session is None:
        raise Http404
    if access.is_coordinator(request.user, session.network):
        return session, True
    if access.member_teams(request.user).filter(guidance__session=session).exists():
        return session, False
    raise Http404


@require_GET
def guidance_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session, coordinator = _session_for(request, pk)
    invitations = session.invitations.select_related("team").prefetch_related("participants")
    if not coordinator:
        invitations = invitations.filter(team__in=access.member_teams(request.user))
    return render(
        request,
        "improvement/guidance_detail.html",
        {
            "session": session,
            "coordinator": coordinator,
            "email_invitations": session.email_invitations.select_related("team").order_by(
                "team__name", "name"
            )
            if coordinator
            else [],
            "may_invite": session.starts_at > timezone.now(),
            "invitations": [
                {
                    "invitation": invitation,
                    "notes_form": forms.GuideNotesForm(
                        initial={"guide_notes": invitation.guide_notes},
                        prefix=f"i{invitation.pk}",
                    )
                    if coordinator
                    else None,
                }
                for invitation in invitations.order_by("team__name")
            ],
        },
    )


@require_POST
def guidance_invite(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session, coordinator = _session_for(request, pk)
    if not coordinator:
        raise Http404
    send_and_report(
        request,
        lambda: services.guidance_invitations_send(
            session=session, actor=request.user, now=timezone.now()
        ),
    )
    return redirect("improvement:guidance", pk=session.pk)


@require_POST
def guidance_notes(request: AuthedHttpRequest, pk: int, invitation: int) -> HttpResponse:
    session, coordinator = _session_for(request, pk)
    found = GuidanceInvitation.objects.filter(session=session, pk=invitation).first()
    if not coordinator or found is None:
        raise Http404
    form = forms.GuideNotesForm(request.POST, prefix=f"i{found.pk}")
    if form.is_valid() and run(
        form,
        lambda: services.guidance_notes_save(
            invitation=found, actor=request.user, notes=form.cleaned_data["guide_notes"]
        ),
    ):
        messages.success(request, _("The notes were saved."))
    return redirect("improvement:guidance", pk=session.pk)
