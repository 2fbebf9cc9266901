"""Reads of pathway templates: who may read and edit which, and a version's content."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from forlop.core.models import Membership, Organisation, Role, User
from forlop.pathways.models import (
    ChecklistItem,
    Pathway,
    PathwayTemplate,
    StopPointDefinition,
    TemplateVersion,
)

EDITOR_ROLES: frozenset[str] = frozenset({Role.ADMINISTRATOR, Role.UNIT_LEADER})


def _member_organisation_ids(user: User, roles: frozenset[str] | None = None) -> set[int]:
    memberships = Membership.objects.filter(user=user, active=True)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return set(memberships.values_list("unit__organisation_id", flat=True))


def organisations_editable_by(*, user: User) -> QuerySet[Organisation]:
    """Organisations whose templates ``user`` may edit (administrator or unit leader there)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_superuser:
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=_member_organisation_ids(user, EDITOR_ROLES))


def template_list_for_user(*, user: User) -> QuerySet[PathwayTemplate]:
    """Templates ``user`` may read: the national defaults (for any member) and those of the
    organisations where the user has an active membership."""
    if not user.is_authenticated:
        return PathwayTemplate.objects.none()
    templates = PathwayTemplate.objects.select_related("organisation")
    if user.is_superuser:
        return templates.all()
    organisation_ids = _member_organisation_ids(user)
    if not organisation_ids:
        return templates.none()
    return templates.filter(Q(organisation__isnull=True) | Q(organisation_id__in=organisation_ids))


def template_get_for_user(*, user: User, pk: int) -> PathwayTemplate:
    """A template ``user`` may read, or ``Http404`` (also for other municipalities')."""
    return get_object_or_404(template_list_for_user(user=user), pk=pk)


def template_can_edit(*, user: User, template: PathwayTemplate) -> bool:
    """National defaults are read-only; a municipality's template is edited by its
    administrators and unit leaders."""
    if not user.is_authenticated or template.organisation_id is None:
        return False
    return user.is_superuser or template.organisation_id in _member_organisation_ids(
        user, EDITOR_ROLES
    )


def version_latest(
    *, template: PathwayTemplate, published_only: bool = False
) -> TemplateVersion | None:
    versions = template.versions.all()
    if published_only:
        versions = versions.filter(status=TemplateVersion.Status.PUBLISHED)
    return versions.order_by("-number").first()


def version_definitions(*, version: TemplateVersion) -> QuerySet[StopPointDefinition]:
    return version.definitions.order_by("order", "pk").prefetch_related(
        Prefetch("items", queryset=ChecklistItem.objects.order_by("order", "pk"))
    )


def running_pathways(*, version: TemplateVersion) -> QuerySet[Pathway]:
    return Pathway.objects.filter(version=version, ended_at__isnull=True).order_by("pk")
