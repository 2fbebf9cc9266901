"""Fixtures for goals: a patient with the seed example, another patient, and portal users."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from forlop.core.models import Organisation, Unit, User
from forlop.core.tests.factories import UserFactory
from forlop.goals import services
from forlop.goals.models import Goal, PortalAccount, Scoring
from forlop.pathways.deadlines import OSLO
from forlop.patients.models import Patient
from forlop.patients.tests.factories import PatientFactory, PatientServiceFactory

MIDDLEWARE_PATH = "forlop.goals.portal.PortalBoundaryMiddleware"

SEED_GOALS = ["komme meg hjem", "bli sterkere i høyre fot", "bli kvitt oksygenet"]
SEED_BASELINE = [5, 3, 5]
SEED_FOLLOW_UP = [10, 5, 10]

BASELINE_AT = datetime(2026, 10, 1, 12, tzinfo=OSLO)
FOLLOW_UP_AT = datetime(2026, 10, 29, 12, tzinfo=OSLO)


@pytest.fixture(autouse=True)
def portal_boundary(settings: Any) -> None:
    """The middleware the lead adds to settings.MIDDLEWARE; added here until then."""
    if MIDDLEWARE_PATH not in settings.MIDDLEWARE:
        middleware = list(settings.MIDDLEWARE)
        middleware.insert(
            middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
            MIDDLEWARE_PATH,
        )
        settings.MIDDLEWARE = middleware


@pytest.fixture
def other_patient(other_municipality: Organisation) -> Patient:
    from forlop.core.tests.factories import UnitFactory

    unit = UnitFactory(organisation=other_municipality, code="andrevik-hjemme")
    p = PatientFactory(municipality=other_municipality, given_name="Olav", family_name="Annensen")
    PatientServiceFactory(patient=p, unit=unit)
    return p


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


@pytest.fixture
def seed_goals(patient: Patient, nurse: User) -> list[Goal]:
    """The seed 001 example: three goals, baseline 5/3/5, follow-up 10/5/10."""
    goals = add_goals(patient, nurse, SEED_GOALS)
    record(patient, nurse, Scoring.Kind.BASELINE, goals, SEED_BASELINE, BASELINE_AT)
    record(patient, nurse, Scoring.Kind.FOLLOW_UP, goals, SEED_FOLLOW_UP, FOLLOW_UP_AT)
    return goals


@pytest.fixture
def portal_user(patient: Patient) -> User:
    user = UserFactory(username="astrid", first_name="Astrid", last_name="Testesen")
    PortalAccount.objects.create(user=user, patient=patient)
    return user


@pytest.fixture
def staff_unit(district: Unit) -> Unit:
    return district
