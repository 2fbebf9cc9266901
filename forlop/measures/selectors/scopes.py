"""Scopes and access: which scopes a user may see or edit, and the measures of a scope."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from forlop.core.models import Organisation, Role, Unit, User
from forlop.measures import registry
from forlop.measures.compute import (
    Scope,
)
from forlop.measures.models import (
    Measure,
    ScopeLevel,
)

ORGANISATION_ROLES: frozenset[str] = frozenset(
    {Role.IMPROVEMENT_MEMBER, Role.UNIT_LEADER, Role.ADMINISTRATOR}
)
EDITOR_ROLES = ORGANISATION_ROLES


# --------------------------------------------------------------------------------------------
# Scopes and access
# --------------------------------------------------------------------------------------------


def scope_for_unit(unit: Unit) -> Scope:
    return Scope(level=ScopeLevel.UNIT, code=unit.code, name=unit.name, ids=(unit.pk,))


def scope_for_organisation(org: Organisation) -> Scope:
    level = (
        ScopeLevel.HOSPITAL
        if org.kind == Organisation.Kind.HOSPITAL_TRUST
        else ScopeLevel.MUNICIPALITY
    )
    return Scope(level=level, code=org.code, name=org.name, ids=(org.pk,))


def _user_organisations(user: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        units__memberships__user=user,
        units__memberships__active=True,
        units__memberships__role__in=ORGANISATION_ROLES,
    ).distinct()


def scopes_for_user(*, user: User) -> list[Scope]:
    """Every scope the user may open: organisations first, then their units, then the scopes
    of the registered sources (networks)."""
    scopes: list[Scope] = []
    for org in _user_organisations(user).order_by("name"):
        scopes.append(scope_for_organisation(org))
        scopes.extend(scope_for_unit(unit) for unit in org.units.order_by("name"))
    for source in registry.scope_sources():
        scopes.extend(source.scopes_for_user(user=user))
    return scopes


def scope_get_for_user(*, user: User, level: str, code: str) -> Scope:
    """The scope, if the user may see it; Http404 otherwise (never says whether it exists)."""
    if level == ScopeLevel.UNIT:
        unit = (
            Unit.objects.filter(code=code, organisation__in=_user_organisations(user))
            .select_related("organisation")
            .first()
        )
        if unit is not None:
            return scope_for_unit(unit)
    elif level in (ScopeLevel.MUNICIPALITY, ScopeLevel.HOSPITAL):
        org = _user_organisations(user).filter(code=code).first()
        if org is not None and scope_for_organisation(org).level == level:
            return scope_for_organisation(org)
    else:
        for source in registry.scope_sources():
            scope = source.scope_get_for_user(user=user, level=level, code=code)
            if scope is not None:
                return scope
    raise Http404


def user_may_edit(*, user: User, scope: Scope) -> bool:
    """Annotations, hand-registered values and closing periods: an improvement team member,
    unit leader or administrator (active membership) of the scope's organisation. Network
    coordinators read their networks' aggregates only; nobody writes across organisations."""
    if not user.is_authenticated or scope.across_organisations:
        return False
    org = scope_organisation(scope)
    if org is None:
        return False
    return Organisation.objects.filter(
        pk=org.pk,
        units__memberships__user=user,
        units__memberships__active=True,
        units__memberships__role__in=EDITOR_ROLES,
    ).exists()


def scope_organisation(scope: Scope) -> Organisation | None:
    if scope.level == ScopeLevel.UNIT:
        unit = Unit.objects.select_related("organisation").filter(pk=scope.ids[0]).first()
        return unit.organisation if unit else None
    if scope.level not in (ScopeLevel.MUNICIPALITY, ScopeLevel.HOSPITAL):
        return None
    return Organisation.objects.filter(pk=scope.ids[0]).first()


def scope_get_by_code(*, code: str) -> Scope | None:
    """For the CLI (no user): an organisation, a unit, or a registered source's scope (a
    network) by its code."""
    org = Organisation.objects.filter(code=code).first()
    if org is not None:
        return scope_for_organisation(org)
    unit = Unit.objects.filter(code=code).first()
    if unit is not None:
        return scope_for_unit(unit)
    for source in registry.scope_sources():
        scope = source.scope_get_by_code(code=code)
        if scope is not None:
            return scope
    return None


# --------------------------------------------------------------------------------------------
# Measures
# --------------------------------------------------------------------------------------------


def measures_for_scope(*, scope: Scope) -> QuerySet[Measure]:
    """The shipped defaults and, except across organisations, the organisation's own."""
    org = scope_organisation(scope)
    condition = Q(organisation__isnull=True)
    if org is not None:
        condition |= Q(organisation=org)
    return Measure.objects.filter(condition, active=True).order_by("order", "name", "pk")


def measure_get_for_scope(*, scope: Scope, code: str) -> Measure:
    measure = measures_for_scope(scope=scope).filter(code=code).first()
    if measure is None:
        raise Http404
    return measure
