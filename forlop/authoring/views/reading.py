"""Reading templates: the list and one version's page."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from forlop.authoring import cards, registry, selectors
from forlop.authoring.views.fetch import (
    version_by_number,
)
from forlop.core.http import AuthedHttpRequest
from forlop.pathways.models import (
    PathwayTemplate,
    TemplateVersion,
)


@require_GET
def template_list(request: AuthedHttpRequest) -> HttpResponse:
    if not request.user.memberships.filter(active=True).exists():
        raise PermissionDenied  # staff pages: patients and next of kin have no membership
    templates = selectors.template_list_for_user(user=request.user).prefetch_related(
        Prefetch("versions", queryset=TemplateVersion.objects.order_by("-number"))
    )
    editable = set(
        selectors.organisations_editable_by(user=request.user).values_list("pk", flat=True)
    )
    rows = [
        {
            "template": t,
            "can_edit": t.organisation_id in editable,
            "latest": next(iter(t.versions.all()), None),
        }
        for t in templates
    ]
    return render(
        request,
        "authoring/template_list.html",
        {
            "rows": rows,
            "can_copy": bool(editable),
            "page_links": registry.page_links(
                "list", registry.PageContext(user=request.user, can_author=bool(editable))
            ),
        },
    )


def detail_context(request: AuthedHttpRequest, template: PathwayTemplate) -> dict[str, Any]:
    versions = list(template.versions.order_by("-number"))
    version: TemplateVersion | None
    if "version" in request.GET:
        version = version_by_number(template, request.GET["version"])
    else:
        version = next((v for v in versions if v.is_published), versions[0] if versions else None)
    can_copy = selectors.organisations_editable_by(user=request.user).exists()
    return {
        "template": template,
        "versions": versions,
        "version": version,
        "cards": cards.cards(version, editable=False) if version else [],
        "can_edit": selectors.template_can_edit(user=request.user, template=template),
        "can_copy": can_copy,
        "draft": next((v for v in versions if not v.is_published), None),
        "running": selectors.running_pathways(version=version).count() if version else 0,
        "page_links": registry.page_links(
            "detail",
            registry.PageContext(
                user=request.user, can_author=can_copy, template=template, version=version
            ),
        ),
    }


@require_GET
def template_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    template = selectors.template_get_for_user(user=request.user, pk=pk)
    return render(request, "authoring/template_detail.html", detail_context(request, template))
