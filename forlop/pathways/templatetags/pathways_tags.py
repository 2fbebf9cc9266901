"""Rendering the panels other apps plug into the engine's pages (``pathways.registry``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.cache import caches
from django.urls import get_script_prefix
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from forlop.pathways import registry
from forlop.patients.models import Patient

register = template.Library()


@register.simple_tag(takes_context=True)
def patient_panels(context: template.Context, slot: str, patient: Patient | None) -> SafeString:
    """Every panel of ``slot`` for ``patient``, from the page's batch (``panels_<slot>`` in the
    context) or, on a one-patient page without one, loaded for this patient only."""
    if patient is None or not getattr(patient, "pk", None):
        return mark_safe("")
    loaded = context.get(f"panels_{slot}")
    if not isinstance(loaded, registry.PanelData):
        loaded = registry.panel_data(slot, [patient])
    # The panels' templates, looked up once per response (a work list renders them per card).
    templates: dict[str, Any] = context.render_context.dicts[0].setdefault("patient_panels", {})
    # A panel sees the patient and its data, and the request and CSRF token for its forms.
    shared = {key: context.get(key) for key in ("request", "csrf_token")}
    # What else a cached panel's HTML follows from, read once per response.
    response_key = context.render_context.dicts[0].get("patient_panels_key")
    if response_key is None:
        response_key = context.render_context.dicts[0]["patient_panels_key"] = _response_key()
    parts = []
    for panel, data in loaded.for_patient(patient.pk):
        key = _html_key(panel, data, response_key)
        html = caches[registry.PANEL_CACHE].get(key) if key is not None else None
        if html is None:
            panel_template = templates.get(panel.template)
            if panel_template is None:
                engine = context.template.engine  # type: ignore[union-attr]  # set while rendering
                panel_template = templates[panel.template] = engine.get_template(panel.template)
            html = panel_template.render(context.new({**shared, "patient": patient, "panel": data}))
            if key is not None:
                caches[registry.PANEL_CACHE].set(key, html)
        parts.append(html)
    return mark_safe("".join(parts))  # noqa: S308 - templates rendered (and escaped) by the engine


def _html_key(panel: registry.Panel, data: Any, response_key: str) -> str | None:
    """Where the panel's HTML for ``data`` is cached, or None (not cached): the panel's key
    for the data, with what else the HTML follows from (``_response_key``)."""
    if panel.html_key is None:
        return None
    key = panel.html_key(data)
    if key is None:
        return None
    return f"panel-html:{panel.slot}:{panel.name}:{response_key}:{key}"


def _response_key() -> str:
    """The language of the dates and words, the time zone of the dates and the path prefix of
    the links: the same for a whole response."""
    zone = timezone.get_current_timezone_name()
    return f"{get_language()}:{zone}:{get_script_prefix()}"


@register.simple_tag(takes_context=True)
def leader_sections(context: template.Context) -> SafeString:
    """Every registered leader section for the signed-in leader (nothing when none has data)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return mark_safe("")
    engine = context.template.engine  # type: ignore[union-attr]  # always set while rendering
    today = timezone.localdate()
    parts: list[str] = []
    for section in registry.leader_sections():
        data = section.load(user, today)
        if data is not None:
            parts.append(
                engine.get_template(section.template).render(
                    context.new({"section": data, "request": request})
                )
            )
    return mark_safe("".join(parts))  # noqa: S308 - templates rendered (and escaped) by the engine
