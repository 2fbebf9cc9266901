"""The template export and import buttons, plugged into authoring's pages (its registry)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from forlop.authoring.registry import PageLink, register_page_link
from forlop.authoring.selectors import organisations_editable_by
from forlop.core.models import User
from forlop.pathways.models import PathwayTemplate, TemplateVersion


def _export_url(
    user: User, template: PathwayTemplate | None, version: TemplateVersion | None
) -> str | None:
    if template is None or version is None:
        return None
    url = reverse("template-exchange:export", args=[template.pk])
    return f"{url}?version={version.number}"


def _import_url(
    user: User, template: PathwayTemplate | None, version: TemplateVersion | None
) -> str | None:
    if not organisations_editable_by(user=user).exists():
        return None
    return reverse("template-exchange:import")


def register() -> None:
    register_page_link(
        PageLink(page="detail", name="fhir-export", label=_("Export (FHIR)"), url=_export_url)
    )
    register_page_link(
        PageLink(page="list", name="fhir-import", label=_("Import template"), url=_import_url)
    )
