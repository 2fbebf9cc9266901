"""Shared by the method pages: the team lookup with its access check, the base context, form errors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import Http404

from forlop.core.http import AuthedHttpRequest
from forlop.improvement import selectors
from forlop.improvement.access import TeamRole
from forlop.improvement.models import (
    Team,
)


def _team(
    request: AuthedHttpRequest, pk: int, *, member: bool = False, leader: bool = False
) -> tuple[Team, TeamRole]:
    team, role = selectors.team_get_for_user(user=request.user, pk=pk, allow_leader=leader)
    if member and role != TeamRole.MEMBER:
        raise Http404
    return team, role


def _base(team: Team, role: TeamRole, section: str) -> dict[str, Any]:
    return {"team": team, "network": team.network, "role": role, "section": section}


def _errors(request: AuthedHttpRequest, form: Form) -> None:
    """A form's errors as messages for the page redirected to, each named by its field
    ("Driver: Feltet er påkrevet."), since the form itself is not shown again."""
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))
