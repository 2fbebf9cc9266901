"""Fetching a template, version, stop point or question for editing, with the access checks."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse

from forlop.authoring import selectors
from forlop.core.http import AuthedHttpRequest
from forlop.core.validation import int_param
from forlop.pathways.models import (
    ChecklistItem,
    PathwayTemplate,
    StopPointDefinition,
    TemplateVersion,
)


def template_for_edit(request: AuthedHttpRequest, pk: int) -> PathwayTemplate:
    template = selectors.template_get_for_user(user=request.user, pk=pk)
    if not selectors.template_can_edit(user=request.user, template=template):
        raise PermissionDenied
    return template


def version_for_edit(request: AuthedHttpRequest, pk: int) -> TemplateVersion:
    version = get_object_or_404(TemplateVersion.objects.select_related("template"), pk=pk)
    template_for_edit(request, version.template_id)
    return version


def definition_for_edit(request: AuthedHttpRequest, pk: int) -> StopPointDefinition:
    definition = get_object_or_404(
        StopPointDefinition.objects.select_related("version__template"), pk=pk
    )
    template_for_edit(request, definition.version.template_id)
    return definition


def item_for_edit(request: AuthedHttpRequest, pk: int) -> ChecklistItem:
    item = get_object_or_404(
        ChecklistItem.objects.select_related("definition__version__template"), pk=pk
    )
    template_for_edit(request, item.definition.version.template_id)
    return item


def version_by_number(template: PathwayTemplate, number: Any) -> TemplateVersion:
    value = int_param(None if number is None else str(number))
    if value is None:
        raise Http404
    try:
        return template.versions.get(number=value)
    except TemplateVersion.DoesNotExist:
        raise Http404 from None


def detail_url(template_pk: int) -> str:
    return reverse("authoring:detail", kwargs={"pk": template_pk})
