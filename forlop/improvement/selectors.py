"""Reads for the improvement app: networks a user coordinates and their measure scopes."""

from __future__ import annotations

from django.db.models import QuerySet

from forlop.core.models import Organisation, Role, User
from forlop.improvement.models import Annotation, Network
from forlop.measures.compute import Scope
from forlop.measures.models import Measure, ScopeLevel


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


def networks_coordinated_by(*, user: User) -> QuerySet[Network]:
    """Networks whose guiding organisation the user serves as an active network coordinator."""
    if not user.is_authenticated:
        return Network.objects.none()
    coordinator_orgs = Organisation.objects.filter(
        units__memberships__user=user,
        units__memberships__active=True,
        units__memberships__role=Role.NETWORK_COORDINATOR,
    )
    return Network.objects.filter(coordinator__in=coordinator_orgs).distinct()


def annotations_for(*, measure: Measure, scope: Scope) -> QuerySet[Annotation]:
    return Annotation.objects.filter(
        measure=measure, level=scope.level, scope_code=scope.code
    ).order_by("date", "pk")
