"""Reads of core data: a user's units and roles."""

from __future__ import annotations

from django.db.models import QuerySet

from forlop.core.models import (
    CLINICAL_ROLES,
    EMERGENCY_ACCESS_ROLES,
    Membership,
    Organisation,
    Role,
    Unit,
    User,
)


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


def data_controller_id_for(*, organisation: Organisation) -> int | None:
    """The data controller (behandlingsansvarlig) whose records an organisation's staff work in.

    A municipality and a hospital trust are their own data controllers. A GP office works in the
    pathways of the municipality it is located in. A coordination office holds no records.
    """
    if organisation.kind in (Organisation.Kind.MUNICIPALITY, Organisation.Kind.HOSPITAL_TRUST):
        return organisation.pk
    if organisation.kind == Organisation.Kind.GP_OFFICE:
        return organisation.municipality_id
    return None


def data_controllers_for_user(
    *, user: User, roles: set[str] | frozenset[str] | None = None
) -> set[int]:
    """Organisation ids of the data controllers the user works for (in the given roles)."""
    memberships = Membership.objects.filter(user=user, active=True)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    ids = set()
    for org in Organisation.objects.filter(units__memberships__in=memberships).distinct():
        controller = data_controller_id_for(organisation=org)
        if controller is not None:
            ids.add(controller)
    return ids


def emergency_data_controllers_for_user(*, user: User) -> set[int]:
    return data_controllers_for_user(user=user, roles=EMERGENCY_ACCESS_ROLES)


def led_organisation_ids(*, user: User) -> set[int]:
    """Data controllers where the user is a unit leader or an administrator: where they review."""
    ids = set()
    orgs = Organisation.objects.filter(
        units__memberships__user=user,
        units__memberships__active=True,
        units__memberships__role__in=[Role.UNIT_LEADER, Role.ADMINISTRATOR],
    ).distinct()
    for org in orgs:
        controller = data_controller_id_for(organisation=org)
        if controller is not None:
            ids.add(controller)
    return ids


def administered_organisation_ids(*, user: User) -> set[int]:
    return set(
        Organisation.objects.filter(
            units__memberships__user=user,
            units__memberships__active=True,
            units__memberships__role=Role.ADMINISTRATOR,
        ).values_list("pk", flat=True)
    )


def memberships_administered_by(*, user: User) -> QuerySet[Membership]:
    """Memberships in the units of the organisations the user administers."""
    return (
        Membership.objects.filter(
            unit__organisation_id__in=administered_organisation_ids(user=user)
        )
        .select_related("user", "unit__organisation")
        .order_by("unit__organisation__name", "unit__name", "user__last_name", "role")
    )


def units_administered_by(*, user: User) -> QuerySet[Unit]:
    return Unit.objects.filter(
        organisation_id__in=administered_organisation_ids(user=user)
    ).select_related("organisation")
