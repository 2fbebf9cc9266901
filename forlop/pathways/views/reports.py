"""Printed reports: the summary home care sends the GP before HPH3, and the admission report
(innleggelsesrapport) for the emergency department (HPH6). The patient's goals come from the
"report" panels other apps plug in (``pathways.registry``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from forlop.core.http import AuthedHttpRequest
from forlop.core.models import AuditVerb
from forlop.pathways import selectors
from forlop.pathways.views.common import answer_display


def _in_words(answers: list[Any]) -> list[tuple[Any, str]]:
    return [(a, answer_display(a.value, kind=a.kind)) for a in answers]


@require_GET
def gp_summary(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    pathway = selectors.pathway_get_for_user(
        user=request.user, pathway_id=pk, verb=AuditVerb.SUMMARY_PRINTED
    )
    now = timezone.now()
    summary = selectors.gp_summary(pathway=pathway, now=now)
    context = {
        "pathway": pathway,
        "patient": pathway.patient,
        "summary": summary,
        "findings": _in_words(summary.findings),
        "care_plan": _in_words(summary.care_plan),
        "now": now,
    }
    return render(request, "pathways/gp_summary.html", context)


@require_GET
def admission_report(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    pathway = selectors.pathway_get_for_user(
        user=request.user, pathway_id=pk, verb=AuditVerb.SUMMARY_PRINTED
    )
    report = selectors.admission_report(pathway=pathway)
    context = {
        "pathway": pathway,
        "patient": pathway.patient,
        "report": report,
        "medication": _in_words(report.medication),
        "function": _in_words(report.function),
        "now": timezone.now(),
    }
    return render(request, "pathways/admission_report.html", context)
