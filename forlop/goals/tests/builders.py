"""Building a patient's goals and scorings through the real services, for tests of any app."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from forlop.core.models import User
from forlop.core.tz import OSLO
from forlop.goals import services
from forlop.goals.models import Goal, Scoring
from forlop.patients.models import Patient

# The worked example of the "Hva er viktig for deg?" training material: 4.3 → 8.3, +4.0.
SEED_GOALS = ["komme meg hjem", "bli sterkere i høyre fot", "bli kvitt oksygenet"]
SEED_BASELINE = [5, 3, 5]
SEED_FOLLOW_UP = [10, 5, 10]

BASELINE_AT = datetime(2026, 10, 1, 12, tzinfo=OSLO)
FOLLOW_UP_AT = datetime(2026, 10, 29, 12, tzinfo=OSLO)


def add_goals(patient: Patient, actor: User, texts: list[str]) -> list[Goal]:
    return [services.goal_add(patient=patient, actor=actor, text=t) for t in texts]


def record(
    patient: Patient, actor: User, kind: str, goals: list[Goal], values: list[Any], at: datetime
) -> Scoring:
    return services.scoring_record(
        patient=patient,
        actor=actor,
        kind=kind,
        scores={g.pk: v for g, v in zip(goals, values, strict=True)},
        scored_at=at,
    )


def seed_example(patient: Patient, actor: User) -> list[Goal]:
    """Three goals, baseline 5/3/5, follow-up 10/5/10."""
    goals = add_goals(patient, actor, SEED_GOALS)
    record(patient, actor, Scoring.Kind.BASELINE, goals, SEED_BASELINE, BASELINE_AT)
    record(patient, actor, Scoring.Kind.FOLLOW_UP, goals, SEED_FOLLOW_UP, FOLLOW_UP_AT)
    return goals
