"""The template export and import buttons, plugged into authoring's pages (its registry)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from forlop.authoring.registry import PageContext, PageLink, register_page_link


def _export_url(page: PageContext) -> str | None:
    """Anyone who reads the template may download the version shown."""
    if page.template is None or page.version is None:
        return None
    url = reverse("template-exchange:export", args=[page.template.pk])
    return f"{url}?version={page.version.number}"


def _import_url(page: PageContext) -> str | None:
    """Only those who edit some organisation's templates may import one."""
    return reverse("template-exchange:import") if page.can_author else None


def register() -> None:
    register_page_link(
        PageLink(page="detail", name="fhir-export", label=_("Export (FHIR)"), url=_export_url)
    )
    register_page_link(
        PageLink(page="list", name="fhir-import", label=_("Import template"), url=_import_url)
    )
