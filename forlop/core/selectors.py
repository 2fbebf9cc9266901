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


def units_for_registration(*, user: User) -> QuerySet[Unit]:
    """The units the user may register a patient to: the municipal units they work in, and
    for an allocation office every home-care unit of its municipality (it decides which
    district serves a new patient)."""
    own = units_for_user(user=user).filter(organisation__kind=Organisation.Kind.MUNICIPALITY)
    allocating = Organisation.objects.filter(
        kind=Organisation.Kind.MUNICIPALITY,
        units__memberships__user=user,
        units__memberships__active=True,
        units__memberships__role=Role.ALLOCATION_OFFICE,
    )
    home_care = Unit.objects.filter(organisation__in=allocating, kind=Unit.Kind.HOME_CARE)
    return (
        Unit.objects.filter(pk__in=own.values("pk")) | home_care
    ).distinct().select_related("organisation").order_by("organisation__name", "name")


def landing_url_name(*, user: User) -> str:
    """Where the front page sends the user: the page where their role's work is.

    The hospital nurse to her ward's admitted patients; home care, the allocation office and
    GPs to their work list; leaders and administrators to the leaders' view; the improvement
    team and the network coordinator to the measures. (Patients are sent to their own pages
    by the portal's boundary before this.)
    """
    roles = set(Membership.objects.filter(user=user, active=True).values_list("role", flat=True))
    if Role.HOSPITAL_NURSE in roles:
        return "pathways:ward"
    if roles & {Role.PRIMARY_CONTACT, Role.ALLOCATION_OFFICE, Role.GP}:
        return "pathways:worklist"
    if roles & {Role.UNIT_LEADER, Role.ADMINISTRATOR}:
        return "pathways:leader"
    if roles & {Role.IMPROVEMENT_MEMBER, Role.NETWORK_COORDINATOR}:
        return "measures:index"
    return "patients:list"


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
