"""Reads of core data: a user's units and roles."""

from __future__ import annotations

from django.db.models import QuerySet

from forlop.core.models import CLINICAL_ROLES, Membership, Organisation, Role, Unit, User


def user_has_role(*, user: User, roles: set[str] | frozenset[str]) -> bool:
    return Membership.objects.filter(user=user, active=True, role__in=roles).exists()


def units_for_user(
    *, user: User, roles: set[str] | frozenset[str] = CLINICAL_ROLES
) -> QuerySet[Unit]:
    return (
        Unit.objects.filter(
            memberships__user=user, memberships__active=True, memberships__role__in=roles
        )
        .distinct()
        .select_related("organisation")
    )


def led_units(*, user: User) -> QuerySet[Unit]:
    """Units where the user is unit leader, or every unit of an organisation they administer."""
    admin_orgs = Organisation.objects.filter(
        units__memberships__user=user,
        units__memberships__active=True,
        units__memberships__role=Role.ADMINISTRATOR,
    )
    return (
        Unit.objects.filter(
            memberships__user=user, memberships__active=True, memberships__role=Role.UNIT_LEADER
        )
        | Unit.objects.filter(organisation__in=admin_orgs)
    ).distinct()


def is_leader(*, user: User) -> bool:
    return user_has_role(user=user, roles={Role.UNIT_LEADER, Role.ADMINISTRATOR})
