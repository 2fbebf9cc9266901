"""Measure scopes of networks and teams, and the notes on their charts."""

from __future__ import annotations

from django.db.models import QuerySet

from forlop.core.models import User
from forlop.improvement import access
from forlop.improvement.models import (
    Annotation,
    Network,
    Team,
)
from forlop.measures.compute import Scope
from forlop.measures.models import Measure, ScopeLevel
from forlop.measures.registry import ChartNote
from forlop.measures.selectors import (
    measures_for_scope,
    scope_for_organisation,
    scope_for_unit,
)


def scope_for_network(network: Network) -> Scope:
    """The network's aggregate over its member organisations, as plain data for measures."""
    ids = tuple(sorted(org.pk for org in network.members.all()))
    return Scope(
        level=ScopeLevel.NETWORK,
        code=network.code,
        name=network.name,
        ids=ids,
        across_organisations=True,
    )


def team_scope(team: Team) -> Scope:
    """Where the team's measures are computed: its city district or hospital, else the whole
    organisation."""
    if team.unit is not None:
        return scope_for_unit(team.unit)
    return scope_for_organisation(team.organisation)


def team_measures(team: Team) -> list[Measure]:
    return list(measures_for_scope(scope=team_scope(team)))


def networks_coordinated_by(*, user: User) -> QuerySet[Network]:
    return access.coordinated_networks(user)


def annotations_for(*, measure: Measure, scope: Scope) -> QuerySet[Annotation]:
    return Annotation.objects.filter(
        measure=measure, level=scope.level, scope_code=scope.code
    ).order_by("date", "pk")


def chart_notes(*, measure: Measure, scope: Scope) -> list[ChartNote]:
    return [
        ChartNote(date=a.date, text=a.text, part_ends_here=a.part_ends_here)
        for a in annotations_for(measure=measure, scope=scope)
    ]
