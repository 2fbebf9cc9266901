"""The learning network's gatherings: the gathering itself, its posters and materials (its
evaluation survey is in ``evaluation.py``).

Only the network's coordinators plan and edit a gathering; its teams see it and answer the survey.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forlop.core.http import AuthedHttpRequest
from forlop.core.models import User
from forlop.improvement import forms, ics, posters, rules, selectors, services
from forlop.improvement.access import TeamRole
from forlop.improvement.models import (
    Gathering,
    Material,
    Network,
    Survey,
)
from forlop.improvement.services.evaluation import may_answer
from forlop.improvement.services.invitations import SendResult
from forlop.improvement.views.common import apply, coordinated_gathering, status
from forlop.improvement.views.evaluation import survey_results


def _gathering_fields(data: dict[str, Any]) -> dict[str, Any]:
    fields = dict(data)
    if not fields.get("title"):
        fields["title"] = ""
    return fields


@require_http_methods(["GET", "POST"])
def gathering_create(request: AuthedHttpRequest, code: str) -> HttpResponse:
    network = selectors.network_get_for_coordinator(user=request.user, code=code)
    form = forms.GatheringForm(request.POST or None, initial={"kind": Gathering.Kind.GATHERING})
    if request.method == "POST" and form.is_valid():
        gathering = apply(
            form,
            lambda: services.gathering_save(
                network=network, actor=request.user, **_gathering_fields(form.cleaned_data)
            ),
        )
        if gathering is not None:
            messages.success(request, _("The gathering was saved."))
            return redirect("improvement:gathering", pk=gathering.pk)
    return render(
        request,
        "improvement/form_page.html",
        {
            "form": form,
            "title": _("New gathering"),
            "back": ("improvement:network", network.code, network.name),
            "submit": _("Save"),
        },
        status=status(form),
    )


def _inviting_gathering(request: AuthedHttpRequest, pk: int) -> Gathering:
    """A gathering the user invites to: a network's for its coordinators, a national event
    for the coordinators of the networks that show it (to their own teams)."""
    gathering, role, _team = selectors.gathering_get_for_user(user=request.user, pk=pk)
    if role != TeamRole.COORDINATOR:
        raise Http404
    return gathering


@require_http_methods(["GET", "POST"])
def gathering_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    gathering = coordinated_gathering(request, pk)
    names = [
        "kind",
        "number",
        "title",
        "starts_on",
        "ends_on",
        "place",
        "online",
        "themes",
        "invites_team",
        "invites_leaders",
        "invites_top_leaders",
    ]
    form_class = forms.GatheringForm if gathering.network else forms.NationalEventForm
    if gathering.network is None:
        names.remove("number")
    form = form_class(
        request.POST or None, initial={name: getattr(gathering, name) for name in names}
    )
    if request.method == "POST" and form.is_valid():
        moved = form.cleaned_data["starts_on"] != gathering.starts_on
        saved = apply(
            form,
            lambda: services.gathering_save(
                network=gathering.network,
                actor=request.user,
                gathering=gathering,
                **_gathering_fields(form.cleaned_data),
            ),
        )
        if saved is not None:
            messages.success(
                request,
                _("The gathering was moved: the teams' deadlines moved with it.")
                if moved
                else _("The gathering was saved."),
            )
            return redirect("improvement:gathering", pk=gathering.pk)
        gathering.refresh_from_db()
    return render(
        request,
        "improvement/form_page.html",
        {
            "form": form,
            "title": _("Edit %(gathering)s") % {"gathering": gathering},
            "back": ("improvement:gathering", gathering.pk, str(gathering)),
            "submit": _("Save"),
        },
        status=status(form),
    )


def _invitation_networks(user: User, gathering: Gathering) -> QuerySet[Network]:
    """Whose invitations the user sees on the gathering's page."""
    if gathering.network is not None:
        return Network.objects.filter(pk=gathering.network.pk)
    networks = selectors.national_event_networks(gathering)
    if user.is_superuser:
        return networks
    return networks.filter(pk__in=selectors.networks_coordinated_by(user=user))


@require_GET
def gathering_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    gathering, role, team = selectors.gathering_get_for_user(user=request.user, pk=pk)
    today = timezone.localdate()
    survey = Survey.objects.filter(gathering=gathering).first()
    context: dict[str, object] = {
        "gathering": gathering,
        "network": gathering.network,
        "role": role,
        "team": team,
        "today": today,
        "may_change": selectors.may_change_gathering(request.user, gathering),
        "invitation": rules.default_invitation(gathering.number),
        "themes": [line for line in gathering.themes.splitlines() if line.strip()],
        "materials": gathering.materials.order_by("pk"),
        "survey": survey,
        "may_answer": bool(survey and team and may_answer(request.user, survey)),
        "survey_open": bool(survey and gathering.starts_on <= today <= survey.closes_on),
    }
    if gathering.kind == Gathering.Kind.GATHERING:
        context["report_due"] = rules.status_report_due(gathering.starts_on)
    if role == TeamRole.COORDINATOR:
        context["reports"] = (
            selectors.reports_for_gathering(gathering, today=today)
            if gathering.kind == Gathering.Kind.GATHERING
            else []
        )
        context["material_form"] = forms.MaterialForm()
        context["survey_form"] = (
            forms.SurveyForm(initial={"closes_on": gathering.starts_on + timedelta(days=14)})
            if survey is None and gathering.network is not None
            else None
        )
        context["results"] = survey_results(survey) if survey else []
        context["suppress_below"] = settings.FORLOP_SUPPRESS_BELOW
        context["responses"] = survey.responses.count() if survey else 0
        invitations = gathering.invitations.filter(
            network__in=_invitation_networks(request.user, gathering)
        ).select_related("team", "network")
        context["invitations"] = invitations.order_by("team__name", "name")
        context["unsent"] = invitations.filter(sent_at__isnull=True).count()
        context["invitee_form"] = forms.InviteeForm()
        context["may_invite"] = gathering.starts_on >= today
    return render(request, "improvement/gathering_detail.html", context)


@require_POST
def gathering_invitations_send(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    gathering = _inviting_gathering(request, pk)
    send_and_report(
        request,
        lambda: services.gathering_invitations_send(
            gathering=gathering, actor=request.user, now=timezone.now()
        ),
    )
    return redirect("improvement:gathering", pk=gathering.pk)


def send_and_report(request: AuthedHttpRequest, action: Callable[[], SendResult]) -> None:
    """Run a send and say what happened (a refusal as an error message, nothing sent)."""
    try:
        result = action()
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return
    if result.sent:
        messages.success(
            request,
            ngettext("%(n)d invitation was sent.", "%(n)d invitations were sent.", result.sent)
            % {"n": result.sent},
        )
    elif not result.failed:
        messages.info(request, _("Everyone invited has had the invitation: nothing was sent."))
    if result.failed:
        messages.error(
            request,
            ngettext(
                "%(n)d invitation could not be sent; send again to retry.",
                "%(n)d invitations could not be sent; send again to retry.",
                result.failed,
            )
            % {"n": result.failed},
        )
    if result.without_address:
        messages.warning(
            request,
            ngettext(
                "%(n)d member has no e-mail address and was not invited.",
                "%(n)d members have no e-mail address and were not invited.",
                result.without_address,
            )
            % {"n": result.without_address},
        )


@require_POST
def invitee_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    gathering = _inviting_gathering(request, pk)
    form = forms.InviteeForm(request.POST)
    if form.is_valid():
        done = apply(
            form,
            lambda: services.invitee_add(
                gathering=gathering,
                actor=request.user,
                user=form.cleaned_data["person"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if done is not None:
            messages.success(
                request,
                _("%(name)s is invited; the invitation goes with the next send.")
                % {"name": done.name},
            )
            return redirect("improvement:gathering", pk=gathering.pk)
    for error in [e for errors in form.errors.values() for e in errors]:
        messages.error(request, str(error))
    return redirect("improvement:gathering", pk=gathering.pk)


@require_GET
def gathering_ics(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The gathering as a calendar entry, for everyone who may open its page."""
    gathering, _role, _team = selectors.gathering_get_for_user(user=request.user, pk=pk)
    url = settings.FORLOP_BASE_URL + reverse("improvement:gathering", args=[gathering.pk])
    entry = ics.CalendarEvent(
        uid=ics.uid("gathering", gathering.pk),
        summary=str(gathering),
        location=gathering.place if not gathering.online else _("Online"),
        description=gathering.themes,
        url=url,
        first_day=gathering.starts_on,
        last_day=gathering.ends_on,
    )
    response = HttpResponse(
        ics.ics(entry, now=timezone.now()), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="samling-{gathering.pk}.ics"'
    return response


@require_GET
def calendar(request: AuthedHttpRequest) -> HttpResponse:
    """Every gathering and event of the user's networks from today on, and the national
    events, in one list (the coordinator's and the team's overview)."""
    today = timezone.localdate()
    return render(
        request,
        "improvement/calendar.html",
        {
            "events": selectors.calendar_for_user(user=request.user, since=today),
            "today": today,
            "is_admin": request.user.is_superuser,
            "next_june_day": rules.next_what_matters_day(today),
        },
    )


@require_http_methods(["GET", "POST"])
def national_event_create(request: AuthedHttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise Http404
    form = forms.NationalEventForm(
        request.POST or None, initial={"kind": Gathering.Kind.CONFERENCE, "online": True}
    )
    if request.method == "POST" and form.is_valid():
        gathering = apply(
            form,
            lambda: services.gathering_save(
                network=None, actor=request.user, **_gathering_fields(form.cleaned_data)
            ),
        )
        if gathering is not None:
            messages.success(request, _("The national event was saved."))
            return redirect("improvement:gathering", pk=gathering.pk)
    return render(
        request,
        "improvement/form_page.html",
        {
            "form": form,
            "title": _("New national event"),
            "back": ("improvement:calendar", None, _("Calendar")),
            "submit": _("Save"),
        },
        status=status(form),
    )


@require_POST
def national_events_plan(request: AuthedHttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise Http404
    year = rules.next_what_matters_day(timezone.localdate()).year
    planned = services.national_events_plan(actor=request.user, year=year)
    if planned:
        messages.success(
            request,
            _("“Hva er viktig for deg?”-dagen is planned on %(date)s; move it as needed.")
            % {"date": date_format(planned[0].starts_on, "l j. F Y")},
        )
    else:
        messages.info(request, _("The year's “Hva er viktig for deg?”-dag is already planned."))
    return redirect("improvement:calendar")


@require_GET
def gathering_posters(request: AuthedHttpRequest, pk: int, fmt: str) -> HttpResponse:
    gathering = coordinated_gathering(request, pk)
    size = request.GET.get("size", "a4")
    if size not in posters.SIZES or fmt not in ("zip", "pdf") or gathering.number is None:
        raise Http404
    today, now = timezone.localdate(), timezone.now()
    if fmt == "zip":
        content = posters.posters_zip(gathering, size=size, today=today, as_of=now)
        response = HttpResponse(content, content_type="application/zip")
    else:
        content = posters.posters_combined_pdf(gathering, size=size, today=today, as_of=now)
        response = HttpResponse(content, content_type="application/pdf")
    name = f"plakater-samling-{gathering.number}-{size}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
def material_create(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    gathering = coordinated_gathering(request, pk)
    form = forms.MaterialForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data.get("file")
        done = apply(
            form,
            lambda: services.material_add(
                gathering=gathering,
                actor=request.user,
                title=form.cleaned_data["title"],
                url=form.cleaned_data["url"],
                file_name=upload.name if upload else "",
                content_type=form.cleaned_data.get("content_type", ""),
                content=upload.read() if upload else None,
            ),
        )
        if done is not None:
            messages.success(request, _("The material was shared with the teams."))
            return redirect("improvement:gathering", pk=gathering.pk)
    for error in [e for errors in form.errors.values() for e in errors]:
        messages.error(request, str(error))
    return redirect("improvement:gathering", pk=gathering.pk)


@require_GET
def material_download(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    material = Material.objects.select_related("gathering").filter(pk=pk).first()
    if material is None or not material.content:
        raise Http404
    selectors.gathering_get_for_user(user=request.user, pk=material.gathering_id)
    response = HttpResponse(bytes(material.content), content_type=material.content_type)
    response["Content-Disposition"] = f'attachment; filename="{material.file_name}"'
    return response
