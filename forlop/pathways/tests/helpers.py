"""Helpers of the engine's tests: a fixed clock, row counts, stop points by code, and a checklist
item's answer URL and form field."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse

from forlop.core.models import AuditEvent, Unit
from forlop.pathways.models import (
    ChecklistAnswer,
    ChecklistItem,
    Pathway,
    PathwayEvent,
    StopPoint,
)
from forlop.pathways.tests.factories import (
    oslo,
)
from forlop.patients.models import HospitalStay, Patient
from forlop.patients.tests.factories import PatientFactory, PatientServiceFactory

NOW = oslo(2026, 3, 10, 15)


def snapshot() -> dict[str, Any]:
    return {
        "pathways": Pathway.objects.count(),
        "stop_points": list(
            StopPoint.objects.order_by("pk").values_list(
                "pk", "revision", "completed_at", "not_relevant_at", "interrupted_at", "assignee"
            )
        ),
        "answers": list(
            ChecklistAnswer.objects.order_by("pk").values_list("pk", "value", "revision")
        ),
        "events": PathwayEvent.objects.count(),
        "audit": AuditEvent.objects.count(),
        "stays": HospitalStay.objects.count(),
    }


def stop(pathway: Pathway, code: str) -> StopPoint:
    return pathway.stop_points.select_related("definition").get(definition__code=code)


def item(stop_point: StopPoint, key: str) -> ChecklistItem:
    return stop_point.definition.items.get(key=key)


def answer_url(stop_point: StopPoint, it: ChecklistItem) -> str:
    return reverse("pathways:checklist-answer", args=[stop_point.pk, it.pk])


def value_key(it: ChecklistItem) -> str:
    return f"item-{it.pk}-value"


def served_patient(unit: Unit) -> Patient:
    """A patient of ``unit``'s municipality whom ``unit`` has served since 1 January 2026."""
    patient = PatientFactory(municipality=unit.organisation)
    PatientServiceFactory(patient=patient, unit=unit, started_on=date(2026, 1, 1))
    return patient
