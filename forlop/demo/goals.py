"""Demo goals for the demo patients of `forlop.demo.loader` (run after `load_demo`).

Idempotent: a patient who already has goals is left alone, and the portal user is found by
username. The first patient of the demo nurse gets the worked example of the
"Hva er viktig for deg?" material (4.3 -> 8.3) and a
portal login ("pasient"); the next two get goals with a baseline only.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from forlop.core.models import User
from forlop.demo.password import DEMO_PASSWORD
from forlop.goals import services
from forlop.goals.models import AnsweredBy, Goal, Scoring
from forlop.patients.models import Patient
from forlop.portal import services as portal_services
from forlop.portal.models import PortalAccount

PORTAL_USERNAME = "pasient"

PLANS: list[tuple[list[str], list[int], list[int] | None]] = [
    (
        ["komme meg hjem", "bli sterkere i høyre fot", "bli kvitt oksygenet"],
        [5, 3, 5],
        [10, 5, 10],
    ),
    (["klare de 13 trappene", "være hjemme til jul"], [2, 4], None),
    (["gå til butikken selv", "lage middag", "treffe venninnene på kafé"], [3, 5, 2], None),
]


def _at(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=timezone.get_current_timezone())


@transaction.atomic
def load_goals_demo(*, today: date) -> int:
    """Create demo goals, scorings and a portal login; returns the number of goals created."""
    nurse = User.objects.filter(username="sykepleier").first()
    if nurse is None:  # load_demo has not run
        return 0
    patients = list(
        Patient.objects.filter(primary_contact=nurse, synthetic=True).order_by("pk")[: len(PLANS)]
    )
    created = 0
    for patient, (texts, baseline, follow_up) in zip(patients, PLANS, strict=False):
        if Goal.objects.filter(patient=patient).exists():
            continue
        goals = [
            services.goal_add(
                patient=patient, actor=nurse, text=text, answered_by=AnsweredBy.PATIENT
            )
            for text in texts
        ]
        created += len(goals)
        services.scoring_record(
            patient=patient,
            actor=nurse,
            kind=Scoring.Kind.BASELINE,
            scores={g.pk: v for g, v in zip(goals, baseline, strict=True)},
            scored_at=_at(today - timedelta(days=30)),
        )
        if follow_up:
            services.scoring_record(
                patient=patient,
                actor=nurse,
                kind=Scoring.Kind.FOLLOW_UP,
                scores={g.pk: v for g, v in zip(goals, follow_up, strict=True)},
                scored_at=_at(today - timedelta(days=2)),
            )
    if patients and not User.objects.filter(username=PORTAL_USERNAME).exists():
        patient = patients[0]
        user = User(
            username=PORTAL_USERNAME,
            first_name=patient.given_name,
            last_name=patient.family_name,
            email=f"{PORTAL_USERNAME}@demo.forlop.invalid",
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        portal_services.portal_account_create(
            user=user, patient=patient, relation=PortalAccount.Relation.SELF
        )
    return created
