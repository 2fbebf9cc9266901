"""Which networks, teams and gatherings a user may open (through ``improvement.access``)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from forlop.core.models import User
from forlop.improvement import access, rules
from forlop.improvement.access import TeamRole
from forlop.improvement.models import (
    Gathering,
    Network,
    Team,
)


def network_get_for_coordinator(*, user: User, code: str) -> Network:
    network = (
        access.coordinated_networks(user)
        .select_related("coordinator", "hospital_trust")
        .filter(code=code)
        .first()
    )
    if network is None:
        raise Http404
    return network


def team_get_for_user(*, user: User, pk: int, allow_leader: bool = False) -> tuple[Team, TeamRole]:
    """The team and the user's role on it; leaders only where ``allow_leader`` (the pages
    of aims, charts and PDSA cycles they follow up)."""
    team = Team.objects.select_related("network", "organisation", "unit").filter(pk=pk).first()
    role = access.team_role(user, team) if team is not None else None
    if team is None or role is None or (role == TeamRole.LEADER and not allow_leader):
        raise Http404
    return team, role


def teams_for_member(*, user: User) -> QuerySet[Team]:
    return (
        access.member_teams(user)
        .select_related("network", "organisation")
        .order_by("network__name", "name")
    )


def gathering_get_for_user(*, user: User, pk: int) -> tuple[Gathering, TeamRole, Team | None]:
    """A network gathering for its coordinators, or for a member of one of its teams (with
    that team). A national event (no network) for an administrator and for the coordinators
    and members of the networks whose calendar shows it (``national_event_networks``); the
    role then says whose page it is, but only an administrator changes a national event."""
    gathering = Gathering.objects.select_related("network").filter(pk=pk).first()
    if gathering is None:
        raise Http404
    if gathering.network is None:
        networks = national_event_networks(gathering)
        if user.is_superuser or access.coordinated_networks(user).filter(pk__in=networks).exists():
            return gathering, TeamRole.COORDINATOR, None
        team = access.member_teams(user).filter(network__in=networks).first()
        if team is None:
            raise Http404
        return gathering, TeamRole.MEMBER, team
    if access.is_coordinator(user, gathering.network):
        return gathering, TeamRole.COORDINATOR, None
    team = access.member_teams(user).filter(network=gathering.network).first()
    if team is None:
        raise Http404
    return gathering, TeamRole.MEMBER, team


def national_event_networks(gathering: Gathering) -> QuerySet[Network]:
    """The networks whose calendar shows a national event (see ``deadlines.network_calendar``)."""
    day = gathering.starts_on
    back = rules.add_months(day, -(rules.EXPERIENCE_GATHERING_MONTHS_AFTER_LAST + 1))
    return Network.objects.filter(starts_on__lte=day, ends_on__gte=back)


def may_change_gathering(user: User, gathering: Gathering) -> bool:
    if gathering.network is None:
        return bool(user.is_superuser)
    return access.is_coordinator(user, gathering.network)
