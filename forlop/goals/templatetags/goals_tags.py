"""Template tags for including the patient's goals on other pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from forlop.goals import selectors
from forlop.patients.models import Patient

register = template.Library()

BATCH_KEY = "goals_headers"


@register.simple_tag(takes_context=True)
def goals_header_for(
    context: template.Context, patient: Patient | None
) -> selectors.GoalsHeader | None:
    """Goals header data for a patient the including page has already reached (no audit row).

    Pages that list many patients call `goals_headers_batch` first; the header then reads from
    that batch instead of querying per patient.
    """
    if patient is None or not getattr(patient, "pk", None):
        return None
    batch = context.get(BATCH_KEY)
    if batch is not None:
        return batch.get(patient.pk)
    return selectors.goals_header(patient=patient)


@register.simple_tag
def goals_headers_batch(sections: Iterable[Any]) -> dict[int, selectors.GoalsHeader]:
    """Load the goals headers of every patient in a work list's sections in a few queries."""
    ids = {item.patient.pk for section in sections for item in section.items}
    return selectors.goals_headers(patient_ids=ids)


@register.simple_tag
def goals_report_for(patient: Patient | None) -> dict[str, Any] | None:
    """The active goals with baseline and latest score and the averages, for printed reports
    from other apps (GP summary, admission report). No audit row: the including page has
    reached the patient through its access function. Five queries."""
    if patient is None or not getattr(patient, "pk", None):
        return None
    scorings = list(selectors.scorings_for_patient(patient=patient))
    rows = selectors.goals_for_patient(patient=patient, include_inactive=False, scorings=scorings)
    summary = selectors.goal_summary(patient=patient, scorings=scorings)
    latest = scorings[-1] if scorings else None
    return {
        "rows": rows,
        "summary": summary,
        "latest_scoring": latest,
        "latest_average": summary.averages[-1][1] if summary.averages else None,
    }
