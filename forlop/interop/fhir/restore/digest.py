"""What a round trip must keep: row counts and a content hash over the restored tables."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from forlop.goals.models import (
    Goal,
    Score,
)
from forlop.pathways import models as pm
from forlop.patients.models import Patient

# --- what a round trip must keep ----------------------------------------------------------


def _canon(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, (date, Decimal)):
        return str(value)
    if isinstance(value, dict):
        return {k: _canon(v) for k, v in sorted(value.items()) if k != "scoring"}
    if isinstance(value, list):
        return [_canon(v) for v in value]
    return value


def content_digest() -> tuple[dict[str, int], str]:
    """Counts and a SHA-256 over the patients, pathways, stop points, answers, goals and scores,
    by natural keys (never primary keys), so two databases can be compared."""
    rows: dict[str, list[Any]] = {
        "patients": [
            [
                p.identity_number,
                p.given_name,
                p.family_name,
                p.birth_date,
                p.municipality.org_number,
                p.gp.username if p.gp else None,
            ]
            for p in Patient.objects.select_related("municipality", "gp")
        ],
        "pathways": [
            [
                p.patient.identity_number,
                p.version.template.code,
                p.version.number,
                p.unit.code,
                p.start_reason,
                p.started_at,
                p.discharged_at,
                p.arrived_home_at,
                p.ended_at,
                p.end_reason,
            ]
            for p in pm.Pathway.objects.select_related("patient", "version__template", "unit")
        ],
        "stop_points": [
            [
                s.pathway.patient.identity_number,
                s.pathway.started_at,
                s.definition.code,
                s.occurrence,
                s.triggered_at,
                s.opens_at,
                s.due_at,
                s.due_all_day,
                s.ends_at,
                s.completed_at,
                s.not_relevant_at,
                s.interrupted_at,
                s.completed_by.username if s.completed_by else None,
            ]
            for s in pm.StopPoint.objects.select_related(
                "pathway__patient", "definition", "completed_by"
            )
        ],
        "answers": [
            [
                a.stop_point.pathway.patient.identity_number,
                a.stop_point.pathway.started_at,
                a.stop_point.definition.code,
                a.stop_point.occurrence,
                a.item.key,
                a.value,
                a.not_relevant_reason,
                a.answered_at,
                a.answered_by.username,
            ]
            for a in pm.ChecklistAnswer.objects.select_related(
                "stop_point__pathway__patient", "stop_point__definition", "item", "answered_by"
            )
        ],
        "goals": [
            [g.patient.identity_number, g.text, g.status, g.answered_by, g.created_at]
            for g in Goal.objects.select_related("patient")
        ],
        "scores": [
            [
                s.scoring.patient.identity_number,
                s.scoring.kind,
                s.scoring.scored_at,
                s.goal.text,
                s.value,
            ]
            for s in Score.objects.select_related("scoring__patient", "goal")
        ],
    }
    canonical = {
        k: sorted(json.dumps(_canon(r), sort_keys=True) for r in v) for k, v in rows.items()
    }
    digest = hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()
    return {k: len(v) for k, v in rows.items()}, digest
