"""The team's pages: its overview with the phase's tasks and deadlines, its members and
anchoring, the patient interviews and improvement areas, its aims and the guidance answers.

Members work here; the network's coordinators read (never the raw interview notes).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from forlop.core.http import AuthedHttpRequest
from forlop.improvement import forms, method_forms, rules, selectors, services
from forlop.improvement.access import TeamRole
from forlop.improvement.charts import aim_charts
from forlop.improvement.models import Aim, GuidanceInvitation, Team
from forlop.improvement.services import IdentityWarningError
from forlop.improvement.views.common import apply, run, status


def _team(request: AuthedHttpRequest, pk: int, *, member: bool = False) -> tuple[Team, TeamRole]:
    team, role = selectors.team_get_for_user(user=request.user, pk=pk)
    if member and role != TeamRole.MEMBER:
        raise Http404
    return team, role


def _base(team: Team, role: TeamRole, section: str) -> dict[str, object]:
    return {"team": team, "network": team.network, "role": role, "section": section}


@require_GET
def team_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    team, role = _team(request, pk)
    today = timezone.localdate()
    deadlines = selectors.team_deadlines(team, today=today)
    dates = selectors.gathering_dates(team.network)
    upcoming = rules.next_gathering(today, dates)
    gatherings = {g.number: g for g in selectors.network_gatherings(team.network)}
    phases = [
        {
            "phase": phase,
            "ends_with": gatherings.get(rules.PHASE_ENDS_WITH[phase]),
            "rows": deadlines.tasks.get(phase, []),
            "current": phase == deadlines.phase,
        }
        for phase in rules.Phase
        if phase != rules.Phase.CONTINUATION
    ]
    return render(
        request,
        "improvement/team_detail.html",
        {
            **_base(team, role, "overview"),
            "today": today,
            "deadlines": deadlines,
            "phases": phases,
            "next_gathering": gatherings.get(upcoming) if upcoming else None,
            "members": team.members.filter(active=True).select_related("organisation"),
            "guidance": selectors.team_guidance(team),
            "events": [
                event
                for event in selectors.network_calendar(team.network)
                if (event.ends_on or event.starts_on) >= today
            ],
            "done_form": forms.TaskDoneForm(initial={"done_on": today}),
        },
    )


@require_POST
def task_done(request: AuthedHttpRequest, pk: int, code: str) -> HttpResponse:
    team, _role = _team(request, pk, member=True)
    form = forms.TaskDoneForm(request.POST)
    if form.is_valid() and run(
        form,
        lambda: services.task_mark_done(
            team=team,
            actor=request.user,
            code=code,
            today=timezone.localdate(),
            **form.cleaned_data,
        ),
    ):
        messages.success(request, _("The task is marked as done."))
    else:
        for error in [e for errors in form.errors.values() for e in errors]:
            messages.error(request, str(error))
    return redirect(f"{team_url(team)}#task-{code}")


@require_POST
def task_undo(request: AuthedHttpRequest, pk: int, code: str) -> HttpResponse:
    team, _role = _team(request, pk, member=True)
    services.task_undo(team=team, actor=request.user, code=code)
    messages.success(request, _("The task is open again."))
    return redirect(f"{team_url(team)}#task-{code}")


def team_url(team: Team) -> str:
    return reverse("improvement:team", args=(team.pk,))


@require_http_methods(["GET", "POST"])
def team_members(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    team, role = _team(request, pk)
    form = forms.TeamMemberForm(request.POST or None, team=team)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        user = data.pop("username")
        member = apply(
            form,
            lambda: services.team_member_add(team=team, actor=request.user, user=user, **data),
        )
        if member is not None:
            messages.success(request, _("%(name)s was added to the team.") % {"name": member.name})
            return redirect("improvement:team-members", pk=team.pk)
    return render(
        request,
        "improvement/team_members.html",
        {
            **_base(team, role, "members"),
            "members": team.members.filter(active=True).select_related("organisation", "user"),
            "form": form,
        },
        status=status(form),
    )


@require_POST
def team_member_end(request: AuthedHttpRequest, pk: int, member: int) -> HttpResponse:
    team, _role = _team(request, pk, member=True)
    found = team.members.filter(pk=member, active=True).first()
    if found is None:
        raise Http404
    services.team_member_end(member=found, actor=request.user)
    messages.success(request, _("%(name)s has left the team.") % {"name": found.name})
    return redirect("improvement:team-members", pk=team.pk)


@require_http_methods(["GET", "POST"])
def team_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    team, _role = _team(request, pk, member=True)
    form = forms.TeamForm(
        request.POST or None,
        initial={
            "description": team.description,
            "line_manager": team.line_manager,
            "anchored_on": team.anchored_on,
            "anchored_with": team.anchored_with,
        },
    )
    if request.method == "POST" and form.is_valid():
        saved = apply(
            form,
            lambda: services.team_update(
                team=team, actor=request.user, today=timezone.localdate(), **form.cleaned_data
            ),
        )
        if saved is not None:
            messages.success(request, _("The team's description and anchoring were saved."))
            return redirect("improvement:team-members", pk=team.pk)
    return render(
        request,
        "improvement/form_page.html",
        {
            "form": form,
            "title": _("About the team and its anchoring"),
            "back": ("improvement:team-members", team.pk, team.name),
            "submit": _("Save"),
        },
        status=status(form),
    )


@require_GET
def interviews(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    team, role = _team(request, pk)
    notes = {note.number: note for note in team.interviews.all()} if role == "member" else {}
    return render(
        request,
        "improvement/interviews.html",
        {
            **_base(team, role, "interviews"),
            "slots": [(number, notes.get(number)) for number in range(1, rules.INTERVIEWS + 1)],
            "count": team.interviews.count(),
            "summary_form": forms.SummaryForm(
                initial={"interview_summary": team.interview_summary}
            ),
            "area_form": forms.AreaForm(),
            "areas": team.improvement_areas.all(),
        },
    )


@require_http_methods(["GET", "POST"])
def interview_edit(request: AuthedHttpRequest, pk: int, number: int) -> HttpResponse:
    team, role = _team(request, pk, member=True)
    if not 1 <= number <= rules.INTERVIEWS:
        raise Http404
    note = team.interviews.filter(number=number).first()
    initial = (
        {
            "interviewee": note.interviewee,
            "works_well": note.works_well,
            "works_badly": note.works_badly,
            "ideas": note.ideas,
        }
        if note
        else {}
    )
    form = forms.InterviewForm(request.POST or None, initial=initial)
    findings = []
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.interview_save(
                team=team, actor=request.user, number=number, today=timezone.localdate(), **data
            )
        except IdentityWarningError as warning:
            findings = warning.findings
            form.add_error("confirmed", warning.messages[0])
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Interview %(number)d was saved.") % {"number": number})
            return redirect("improvement:interviews", pk=team.pk)
    return render(
        request,
        "improvement/interview_form.html",
        {
            **_base(team, role, "interviews"),
            "number": number,
            "form": form,
            "findings": findings,
        },
        status=status(form),
    )


@require_POST
def interview_summary(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    team, _role = _team(request, pk, member=True)
    form = forms.SummaryForm(request.POST)
    if form.is_valid():
        services.interview_summary_save(
            team=team, actor=request.user, summary=form.cleaned_data["interview_summary"]
        )
        messages.success(request, _("The summary was saved."))
    return redirect("improvement:interviews", pk=team.pk)


@require_POST
def area_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    team, _role = _team(request, pk, member=True)
    form = forms.AreaForm(request.POST)
    if form.is_valid():
        services.improvement_area_add(team=team, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The improvement area was added."))
    else:
        messages.error(request, _("Give the improvement area a name."))
    return redirect("improvement:interviews", pk=team.pk)


@require_POST
def area_remove(request: AuthedHttpRequest, pk: int, area: int) -> HttpResponse:
    team, _role = _team(request, pk, member=True)
    found = team.improvement_areas.filter(pk=area).first()
    if found is None:
        raise Http404
    services.improvement_area_remove(area=found, actor=request.user)
    messages.success(request, _("The improvement area was removed."))
    return redirect("improvement:interviews", pk=team.pk)


@require_http_methods(["GET", "POST"])
def aims(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    team, role = selectors.team_get_for_user(user=request.user, pk=pk, allow_leader=True)
    available = selectors.team_measures(team)
    form = forms.AimForm(request.POST or None, measures=available)
    if request.method == "POST":
        if role != TeamRole.MEMBER:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            aim = apply(
                form,
                lambda: services.aim_create(
                    team=team,
                    actor=request.user,
                    statement=data["statement"],
                    description=data["description"],
                    measure=data["measure"],
                    available=available,
                    target_percent_or_value=data["target"],
                    target_date=data["target_date"],
                    balancing=list(data["balancing"]),
                    process=list(data["process"]),
                    today=timezone.localdate(),
                ),
            )
            if aim is not None:
                messages.success(request, _("The aim was saved with its measure."))
                return redirect("improvement:aims", pk=team.pk)
    charts = aim_charts(team, today=timezone.localdate(), as_of=timezone.now(), active_only=False)
    return render(
        request,
        "improvement/aims.html",
        {
            **_base(team, role, "aims"),
            "form": form,
            "charts": charts,
            "aims": team.aims.order_by("pk"),
            "scope": selectors.team_scope(team),
            "statuses": Aim.Status.choices,
            "manual_measures": [m for m in available if m.is_manual],
            "value_form": method_forms.ManualValueForm(
                measures=available, initial={"period_start": timezone.localdate()}
            ),
            "manual_form": method_forms.ManualMeasureForm(),
        },
        status=status(form),
    )


@require_http_methods(["GET", "POST"])
def guidance_respond(request: AuthedHttpRequest, pk: int, invitation: int) -> HttpResponse:
    team, role = _team(request, pk, member=True)
    found = (
        GuidanceInvitation.objects.select_related("session")
        .filter(pk=invitation, team=team)
        .first()
    )
    if found is None:
        raise Http404
    form = forms.GuidanceResponseForm(
        request.POST or None,
        team=team,
        initial={
            "participants": list(found.participants.all()),
            "status": found.status,
            "needs": found.needs,
        },
    )
    if request.method == "POST" and form.is_valid():
        done = apply(
            form,
            lambda: services.guidance_respond(
                invitation=found,
                actor=request.user,
                participants=list(form.cleaned_data["participants"]),
                status=form.cleaned_data["status"],
                needs=form.cleaned_data["needs"],
                now=timezone.now(),
            ),
        )
        if done is not None:
            messages.success(request, _("Thank you: the guide has your answer."))
            return redirect("improvement:team", pk=team.pk)
    return render(
        request,
        "improvement/guidance_respond.html",
        {**_base(team, role, "overview"), "invitation": found, "form": form},
        status=status(form),
    )
