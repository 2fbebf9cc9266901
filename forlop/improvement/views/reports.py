"""Status reports and posters of a team for a gathering.

A member opens the report: the first time the system drafts it from the team's data. The
team edits and submits it; it is then locked, a version is kept, and the coordinators read
it (and may open it again for a correction). The poster is rendered to PDF on request.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forlop.core.http import AuthedHttpRequest
from forlop.improvement import forms, posters, rules, services
from forlop.improvement.access import TeamRole
from forlop.improvement.charts import aim_charts
from forlop.improvement.models import Gathering, Poster, StatusReport, Team
from forlop.improvement.models.reports import REPORT_SECTIONS
from forlop.improvement.views.common import apply, run, status
from forlop.improvement.views.team import _base, _team


def _gathering(team: Team, gathering_pk: int) -> Gathering:
    gathering = team.network.gatherings.filter(
        pk=gathering_pk, kind=Gathering.Kind.GATHERING
    ).first()
    if gathering is None:
        raise Http404
    return gathering


def _report_context(
    team: Team, role: TeamRole, gathering: Gathering, report: StatusReport | None
) -> dict[str, object]:
    today = timezone.localdate()
    due = rules.status_report_due(gathering.starts_on)
    submitted = (
        timezone.localtime(report.submitted_at).date() if report and report.submitted_at else None
    )
    return {
        **_base(team, role, "reports"),
        "gathering": gathering,
        "report": report,
        "due": due,
        "status": rules.deadline_status(due=due, done_on=submitted, today=today),
        "network_ended": today > team.network.ends_on,
        "versions": report.versions.select_related("submitted_by").order_by("-number")
        if report
        else [],
    }


@require_http_methods(["GET", "POST"])
def report(request: AuthedHttpRequest, pk: int, gathering: int) -> HttpResponse:
    team, role = _team(request, pk)
    found = _gathering(team, gathering)
    today, now = timezone.localdate(), timezone.now()
    existing = StatusReport.objects.filter(team=team, gathering=found).first()
    if role == TeamRole.COORDINATOR:
        context = _report_context(team, role, found, existing)
        context["reopen_form"] = forms.ReopenForm()
        return render(request, "improvement/report.html", context)
    if existing is None:
        if request.method != "POST":
            context = _report_context(team, role, found, None)
            context["start"] = True
            return render(request, "improvement/report.html", context)
        # Starting the report drafts it from the team's data.
        form = forms.StatusReportForm()
        existing = apply(
            form,
            lambda: services.status_report_for(
                team=team, gathering=found, actor=request.user, today=today, as_of=now
            ),
        )
        if existing is None:
            context = _report_context(team, role, found, None)
            context["errors"] = form.non_field_errors()
            return render(request, "improvement/report.html", context, status=400)
    if "start" in request.POST:
        return redirect("improvement:report", pk=team.pk, gathering=found.pk)
    form = forms.StatusReportForm(
        request.POST or None, initial={name: getattr(existing, name) for name in REPORT_SECTIONS}
    )
    if request.method == "POST" and form.is_valid():
        saved = apply(
            form,
            lambda: services.status_report_save(
                report=existing, actor=request.user, sections=form.cleaned_data, today=today
            ),
        )
        if saved is not None:
            if "submit" in request.POST:
                submitted = apply(
                    form,
                    lambda: services.status_report_submit(
                        report=existing, actor=request.user, now=now
                    ),
                )
                if submitted is not None:
                    messages.success(
                        request,
                        _(
                            "The status report was submitted. It is locked; the coordinators can read it."
                        ),
                    )
                    return redirect("improvement:report", pk=team.pk, gathering=found.pk)
            else:
                messages.success(request, _("The draft was saved."))
                return redirect("improvement:report", pk=team.pk, gathering=found.pk)
        existing.refresh_from_db()
    context = _report_context(team, role, found, existing)
    context["form"] = form
    context["charts"] = aim_charts(team, today=today, as_of=now)
    return render(request, "improvement/report.html", context, status=status(form))


@require_POST
def report_redraft(request: AuthedHttpRequest, pk: int, gathering: int) -> HttpResponse:
    team, _role = _team(request, pk, member=True)
    found = _gathering(team, gathering)
    existing = StatusReport.objects.filter(team=team, gathering=found).first()
    if existing is None:
        raise Http404
    form = forms.ReopenForm()
    if run(
        form,
        lambda: services.status_report_redraft(
            report=existing, actor=request.user, today=timezone.localdate(), as_of=timezone.now()
        ),
    ):
        messages.success(
            request, _("The drafted sections were filled in again from the team's data.")
        )
    else:
        for error in form.non_field_errors():
            messages.error(request, str(error))
    return redirect("improvement:report", pk=team.pk, gathering=found.pk)


@require_POST
def report_reopen(request: AuthedHttpRequest, pk: int, gathering: int) -> HttpResponse:
    team, role = _team(request, pk)
    found = _gathering(team, gathering)
    existing = StatusReport.objects.filter(team=team, gathering=found).first()
    if role != TeamRole.COORDINATOR or existing is None:
        raise Http404
    form = forms.ReopenForm(request.POST)
    if form.is_valid() and run(
        form,
        lambda: services.status_report_reopen(
            report=existing, actor=request.user, reason=form.cleaned_data["reason"]
        ),
    ):
        messages.success(
            request, _("The report is open for the team again; the submitted version is kept.")
        )
    else:
        messages.error(request, _("Say why the report is opened again."))
    return redirect("improvement:report", pk=team.pk, gathering=found.pk)


@require_GET
def report_version(
    request: AuthedHttpRequest, pk: int, gathering: int, number: int
) -> HttpResponse:
    team, role = _team(request, pk)
    found = _gathering(team, gathering)
    existing = StatusReport.objects.filter(team=team, gathering=found).first()
    version = existing.versions.filter(number=number).first() if existing else None
    if version is None:
        raise Http404
    labels = {name: forms.StatusReportForm.base_fields[name].label for name in REPORT_SECTIONS}
    return render(
        request,
        "improvement/report_version.html",
        {
            **_report_context(team, role, found, existing),
            "version": version,
            "sections": [
                (labels[name], version.sections.get(name, ""))
                for name in REPORT_SECTIONS
                if version.sections.get(name, "").strip()
            ],
        },
    )


@require_http_methods(["GET", "POST"])
def poster(request: AuthedHttpRequest, pk: int, gathering: int) -> HttpResponse:
    team, role = _team(request, pk)
    found = _gathering(team, gathering)
    existing = Poster.objects.filter(team=team, gathering=found).first()
    form = forms.PosterForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "headline": existing.headline if existing else "",
            "photo_text": existing.photo_text if existing else "",
        },
    )
    if request.method == "POST":
        if role != TeamRole.MEMBER:
            raise Http404
        if form.is_valid():
            photo = form.cleaned_data["photo"]
            saved = apply(
                form,
                lambda: services.poster_save(
                    team=team,
                    gathering=found,
                    actor=request.user,
                    headline=form.cleaned_data["headline"],
                    photo_text=form.cleaned_data["photo_text"],
                    photo=photo[0] if photo else None,
                    photo_type=photo[1] if photo else "",
                    remove_photo=form.cleaned_data["remove_photo"],
                ),
            )
            if saved is not None:
                messages.success(request, _("The poster was saved."))
                return redirect("improvement:poster", pk=team.pk, gathering=found.pk)
    return render(
        request,
        "improvement/poster.html",
        {
            **_base(team, role, "posters"),
            "gathering": found,
            "poster": existing,
            "form": form if role == TeamRole.MEMBER else None,
            "report": StatusReport.objects.filter(team=team, gathering=found).first(),
        },
        status=status(form),
    )


@require_GET
def poster_pdf(request: AuthedHttpRequest, pk: int, gathering: int) -> HttpResponse:
    team, _role = _team(request, pk)
    found = _gathering(team, gathering)
    size = request.GET.get("size", "a4")
    if size not in posters.SIZES:
        raise Http404
    content = posters.poster_pdf(
        team, found, size=size, today=timezone.localdate(), as_of=timezone.now()
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{posters.poster_filename(team, found, size)}"'
    )
    return response
