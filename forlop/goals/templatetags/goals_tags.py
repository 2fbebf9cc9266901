"""Template tags of the goals app's own templates."""

from __future__ import annotations

from django import template

from forlop.goals import selectors
from forlop.patients.models import Patient

register = template.Library()


@register.simple_tag
def goals_header_for(patient: Patient | None) -> selectors.GoalsHeader | None:
    """The goals header of a patient the page has already reached (no audit row): the
    "what matters" checklist row shows it beside the way into the conversation."""
    if patient is None or not getattr(patient, "pk", None):
        return None
    return selectors.goals_header(patient=patient)
