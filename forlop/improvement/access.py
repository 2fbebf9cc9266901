"""Who may do what in the learning network.

* A **network coordinator** holds the network-coordinator role (an active membership) in the
  network's guiding organisation. Coordinators run the network: its gatherings, teams,
  guidance, evaluations and materials; they read every team's tasks, reports and posters and
  the network's aggregates. They never see the raw patient-interview notes.
* A **team member** is on the team's member list with their account, or holds the
  improvement-team role in the team's organisation. Members do the team's work.
* A **leader** leads a unit of the team's organisation (unit leader, or administrator of the
  organisation). Leaders read the team's aims, charts and PDSA cycles to ask for results in
  their fixed meetings; they write nothing on the team's pages.

Views reach objects through the ``*_for_user`` selectors (``Http404`` when not allowed, so a
page never says whether something exists); services check again with ``require_*``
(``PermissionDenied``), so no caller can skip the rule.
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from forlop.core.models import Membership, Role, User
from forlop.improvement.models import Network, Team


class TeamRole(StrEnum):
    MEMBER = "member"
    COORDINATOR = "coordinator"
    LEADER = "leader"


def coordinated_networks(user: User) -> QuerySet[Network]:
    if not user.is_authenticated:
        return Network.objects.none()
    guiding = Membership.objects.filter(
        user=user, active=True, role=Role.NETWORK_COORDINATOR
    ).values("unit__organisation")
    return Network.objects.filter(coordinator__in=guiding)


def is_coordinator(user: User, network: Network) -> bool:
    return coordinated_networks(user).filter(pk=network.pk).exists()


def member_teams(user: User) -> QuerySet[Team]:
    """Teams the user works on (not the ones they coordinate)."""
    if not user.is_authenticated:
        return Team.objects.none()
    improvement_orgs = Membership.objects.filter(
        user=user, active=True, role=Role.IMPROVEMENT_MEMBER
    ).values("unit__organisation")
    return Team.objects.filter(
        Q(members__user=user, members__active=True) | Q(organisation__in=improvement_orgs),
        withdrawn_on__isnull=True,
    ).distinct()


def led_teams(user: User) -> QuerySet[Team]:
    """Teams of the organisations where the user leads a unit (or administers the whole)."""
    if not user.is_authenticated:
        return Team.objects.none()
    led = Membership.objects.filter(
        user=user, active=True, role__in=(Role.UNIT_LEADER, Role.ADMINISTRATOR)
    ).values("unit__organisation")
    return Team.objects.filter(organisation__in=led, withdrawn_on__isnull=True)


def team_role(user: User, team: Team) -> TeamRole | None:
    if member_teams(user).filter(pk=team.pk).exists():
        return TeamRole.MEMBER
    if is_coordinator(user, team.network):
        return TeamRole.COORDINATOR
    if led_teams(user).filter(pk=team.pk).exists():
        return TeamRole.LEADER
    return None


def require_coordinator(user: User | None, network: Network) -> None:
    if user is None or not is_coordinator(user, network):
        raise PermissionDenied


def require_member(user: User | None, team: Team) -> None:
    if user is None or not member_teams(user).filter(pk=team.pk).exists():
        raise PermissionDenied


def require_member_or_coordinator(user: User | None, team: Team) -> TeamRole:
    role = team_role(user, team) if user is not None else None
    if role not in (TeamRole.MEMBER, TeamRole.COORDINATOR):
        raise PermissionDenied
    assert role is not None  # noqa: S101 - checked above
    return role
