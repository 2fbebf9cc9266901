"""Rendering the panels other apps plug into the engine's pages (``pathways.registry``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

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
    parts = []
    for name, data in loaded.for_patient(patient.pk):
        panel_template = templates.get(name)
        if panel_template is None:
            engine = context.template.engine  # type: ignore[union-attr]  # set while rendering
            panel_template = templates[name] = engine.get_template(name)
        parts.append(
            panel_template.render(context.new({**shared, "patient": patient, "panel": data}))
        )
    return mark_safe("".join(parts))  # noqa: S308 - templates rendered (and escaped) by the engine


@register.simple_tag(takes_context=True)
def leader_sections(context: template.Context) -> SafeString:
    """Every registered leader section for the signed-in leader (nothing when none has data)."""
    from django.utils import timezone

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
