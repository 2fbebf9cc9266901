"""Pages: the notification list (the bell), preferences and calendar feeds, the rules, the
administrators' failed e-mails and the leaders' weekly summary."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forlop.core.forms import form_save
from forlop.core.http import AuthedHttpRequest
from forlop.core.models import Organisation, Role
from forlop.core.selectors import is_leader
from forlop.notifications import feeds, selectors, services
from forlop.notifications.forms import PreferenceForm, RuleForm
from forlop.notifications.models import NotificationRule
from forlop.pathways import selectors as pathway_selectors
from forlop.pathways.models import PathwayTemplate


def _bell(request: AuthedHttpRequest) -> dict[str, Any]:
    return {"unread": selectors.bell_count(user=request.user, now=timezone.now())}


@require_GET
def notification_list(request: AuthedHttpRequest) -> HttpResponse:
    rows = selectors.notification_list(user=request.user, now=timezone.now())
    return render(
        request,
        "notifications/list.html",
        {"rows": rows, "unread": sum(1 for row in rows if not row.read)},
    )


@require_POST
def notification_read(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    services.notification_mark_read(user=request.user, notification_id=pk, now=timezone.now())
    if request.htmx:
        rows = selectors.notification_list(user=request.user, now=timezone.now())
        return render(
            request,
            "notifications/list.html#notification-list",
            {"rows": rows, "nav_bell": _bell(request), "oob": True},
        )
    return redirect("notifications:list")


@require_POST
def notifications_read_all(request: AuthedHttpRequest) -> HttpResponse:
    services.notifications_mark_all_read(user=request.user, now=timezone.now())
    return redirect("notifications:list")


def _feed_urls(request: AuthedHttpRequest, token: str) -> dict[str, Any]:
    base = request.build_absolute_uri(reverse("notifications:feed", args=[token]))
    units = [
        (
            unit,
            request.build_absolute_uri(reverse("notifications:unit-feed", args=[token, unit.code])),
        )
        for unit in selectors.calendar_units(user=request.user)
    ]
    return {"feed_url": base, "unit_feed_urls": units}


@require_http_methods(["GET", "POST"])
def preferences(request: AuthedHttpRequest) -> HttpResponse:
    current = selectors.preference_for(user=request.user)
    initial = {
        "email_mode": current.email_mode,
        "digest_hour": current.digest_hour,
        "email": current.email,
    }
    form = PreferenceForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form_save(form, lambda data: services.preference_save(user=request.user, **data)):
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notifications:preferences")
        status = 400
    context: dict[str, Any] = {
        "form": form,
        "account_email": request.user.email,
        "token": selectors.calendar_token_live(user=request.user),
        "new_token_urls": None,
    }
    return render(request, "notifications/preferences.html", context, status=status)


@require_POST
def calendar_token_new(request: AuthedHttpRequest) -> HttpResponse:
    token = services.calendar_token_create(user=request.user, now=timezone.now())
    current = selectors.preference_for(user=request.user)
    form = PreferenceForm(
        initial={
            "email_mode": current.email_mode,
            "digest_hour": current.digest_hour,
            "email": current.email,
        }
    )
    context = {
        "form": form,
        "account_email": request.user.email,
        "token": selectors.calendar_token_live(user=request.user),
        "new_token_urls": _feed_urls(request, token),
    }
    return render(request, "notifications/preferences.html", context)


@require_POST
def calendar_token_revoke(request: AuthedHttpRequest) -> HttpResponse:
    services.calendar_token_revoke(user=request.user, now=timezone.now())
    messages.success(request, _("The calendar link no longer works."))
    return redirect("notifications:preferences")


def _ics(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_not_required
@require_GET
def feed(request: AuthedHttpRequest, token: str) -> HttpResponse:
    """The user's own stop points: the token is the login, so no session is needed (a calendar
    client has none). Revoked or unknown: 404."""
    now = timezone.now()
    user = selectors.calendar_user(token=token, now=now)
    entries = pathway_selectors.schedule(user=user, now=now)
    name = _("Forløp: %(name)s") % {"name": user.get_full_name() or user.username}
    return _ics(feeds.feed(entries, name=name, now=now), "forlop.ics")


@login_not_required
@require_GET
def unit_feed(request: AuthedHttpRequest, token: str, code: str) -> HttpResponse:
    """A unit's stop points, as the token's user may see them (a unit they are a member of)."""
    now = timezone.now()
    user = selectors.calendar_user(token=token, now=now)
    unit = selectors.calendar_units(user=user).filter(code=code).first()
    if unit is None:
        raise Http404
    entries = pathway_selectors.schedule(user=user, now=now, unit=unit)
    return _ics(feeds.feed(entries, name=f"Forløp: {unit.name}", now=now), f"{unit.code}.ics")


# --------------------------------------------------------------------------------------------
# Rules (administrators)
# --------------------------------------------------------------------------------------------


def _admin_organisation(request: AuthedHttpRequest) -> Organisation:
    org = (
        Organisation.objects.filter(
            kind=Organisation.Kind.MUNICIPALITY,
            units__memberships__user=request.user,
            units__memberships__active=True,
            units__memberships__role=Role.ADMINISTRATOR,
        )
        .distinct()
        .first()
    )
    if org is None:
        raise PermissionDenied
    return org


def _template_choices(org: Organisation) -> list[tuple[str, str]]:
    templates = PathwayTemplate.objects.filter(
        organisation__isnull=True
    ) | PathwayTemplate.objects.filter(organisation=org)
    return [(t.code, t.name) for t in templates.order_by("name")]


def _rule_initial(rule: NotificationRule) -> dict[str, Any]:
    return {
        "template_code": rule.template_code,
        "stop_point_code": rule.stop_point_code,
        "trigger": rule.trigger,
        "target": rule.target,
        "delay_days": rule.delay_days,
        "repeat_days": rule.repeat_days,
        "message": rule.message,
        "active": rule.active,
    }


@require_http_methods(["GET", "POST"])
def rules(request: AuthedHttpRequest, pk: int | None = None) -> HttpResponse:
    org = _admin_organisation(request)
    rule = get_object_or_404(NotificationRule, pk=pk, organisation=org) if pk else None
    in_force, own = selectors.rules_for(organisation=org)
    form = RuleForm(
        request.POST or None,
        templates=_template_choices(org),
        initial=_rule_initial(rule) if rule else {"template_code": "hph", "active": True},
    )
    status = 200
    if request.method == "POST":
        if form_save(
            form,
            lambda data: services.rule_save(
                actor=request.user, organisation=org, rule=rule, **data
            ),
        ):
            messages.success(request, _("The notification rule is saved."))
            return redirect("notifications:rules")
        status = 400
    context = {"org": org, "rules": in_force, "own": own, "form": form, "rule": rule}
    return render(request, "notifications/rules.html", context, status=status)


@require_POST
def rules_adopt(request: AuthedHttpRequest) -> HttpResponse:
    org = _admin_organisation(request)
    services.rules_adopt_defaults(actor=request.user, organisation=org)
    messages.success(request, _("The local defaults are now the municipality's own rules."))
    return redirect("notifications:rules")


@require_GET
def attention(request: AuthedHttpRequest) -> HttpResponse:
    _admin_organisation(request)
    rows = selectors.deliveries_needing_attention(user=request.user, now=timezone.now())
    return render(request, "notifications/attention.html", {"rows": rows[:200]})


@require_GET
def weekly(request: AuthedHttpRequest) -> HttpResponse:
    if not is_leader(user=request.user):
        raise PermissionDenied
    summary = selectors.weekly_summary(user=request.user, now=timezone.now())
    return render(request, "notifications/weekly.html", {"summary": summary})
