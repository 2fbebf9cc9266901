"""The patient's own pages (/my/): their goals in their own words, scores over time, next
steps, who has looked at their record, proposals, a printable summary, and the whole record
as PDF and JSON (the right of access).

The patient always comes from the signed-in user's PortalAccount, never from the URL.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from forlop.core.models import AuditVerb
from forlop.goals import selectors as goal_selectors
from forlop.goals.presentation import chart_context
from forlop.portal import selectors, services
from forlop.portal.boundary import portal_account_required
from forlop.portal.forms import ProposalForm
from forlop.portal.models import PortalAccount


def _context(account: PortalAccount, *, verb: AuditVerb) -> dict[str, object]:
    patient = selectors.portal_patient_get(account=account, verb=verb)
    context = chart_context(patient=patient, chart_id="my-goals-chart")
    context.update(
        {
            "account": account,
            "next_steps": selectors.next_steps_for_patient(
                patient=patient, today=timezone.localdate()
            ),
            "units": list(
                selectors.serving_units_for_patient(patient=patient, today=timezone.localdate())
            ),
        }
    )
    return context


@require_http_methods(["GET", "POST"])
@portal_account_required
def portal_home(request: HttpRequest, account: PortalAccount) -> HttpResponse:
    form = ProposalForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.proposal_send(
                    account=account,
                    kind=form.cleaned_data["kind"],
                    text=form.cleaned_data["text"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Thank you. Your care team will see your message."))
                return redirect("portal:home")
        status = 400
    context = _context(account, verb=AuditVerb.GOALS_VIEWED)
    context["form"] = form
    context["access_log"] = selectors.access_log_for_portal(account=account)
    context["proposals"] = list(
        goal_selectors.proposals_for_patient(patient=account.patient).filter(author=account.user)[
            :10
        ]
    )
    return render(request, "portal/home.html", context, status=status)


@require_GET
@portal_account_required
def portal_print(request: HttpRequest, account: PortalAccount) -> HttpResponse:
    context = _context(account, verb=AuditVerb.SUMMARY_PRINTED)
    context["today"] = timezone.localdate()
    return render(request, "portal/print.html", context)


# --------------------------------------------------------------------------------------------
# The right of access: the whole record as PDF and JSON
# --------------------------------------------------------------------------------------------


@require_GET
@portal_account_required
def portal_record(request: HttpRequest, account: PortalAccount) -> HttpResponse:
    """The page that explains the right of access and offers the two downloads."""
    return render(request, "portal/record.html", {"account": account, "patient": account.patient})


def _record_filename(account: PortalAccount, ext: str) -> str:
    return f"forlop-journal-{timezone.localdate():%Y-%m-%d}.{ext}"


@require_GET
@portal_account_required
def portal_record_json(request: HttpRequest, account: PortalAccount) -> HttpResponse:
    record = selectors.portal_record_get(account=account, fmt="json", now=timezone.now())
    response = HttpResponse(
        json.dumps(record, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_record_filename(account, "json")}"'
    return response


@require_GET
@portal_account_required
def portal_record_pdf(request: HttpRequest, account: PortalAccount) -> HttpResponse:
    record = selectors.portal_record_get(account=account, fmt="pdf", now=timezone.now())
    html = render_to_string("portal/record_pdf.html", {"record": record}, request=request)
    # WeasyPrint reads nothing from outside the document (no URL is fetched).
    pdf = HTML(
        string=html,
        url_fetcher=URLFetcher(allowed_protocols=(), allow_redirects=False),
        base_url=None,
    ).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_record_filename(account, "pdf")}"'
    return response
