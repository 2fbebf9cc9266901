"""Demo goals for the demo patients of `forlop.demo.loader`.

Idempotent: a patient who already has goals is left alone, and the portal user is found by
username. The first patient of the demo nurse has two episodes (`load_goal_episodes_demo`,
run before the pathway demo so that this patient's pathways are its own): an HPH pathway with
the worked example of the "Hva er viktig for deg?" material (4.3 -> 8.3), a readmission, and
the HPH pathway that follows it with a new baseline, a goal added later with its own baseline,
and a follow-up. That patient has the portal login ("pasient"). The next two get goals with a
baseline only, in their running pathway (`load_goals_demo`).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from forlop.authoring.defaults import install_national_defaults
from forlop.core.models import User
from forlop.demo.password import demo_password_hash
from forlop.demo.pathways import _work_through
from forlop.goals import services
from forlop.goals.models import AnsweredBy, Goal, Scoring
from forlop.pathways import services as pathway_services
from forlop.pathways.models import Pathway, TemplateVersion
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


def _at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=timezone.get_current_timezone())


# The second episode: the goals asked again after the readmission (new baseline), a goal
# added later in the episode ("gå tur med hunden", its own baseline at the follow-up).
SECOND_BASELINE = [4, 3, 6]
SECOND_FOLLOW_UP = [7, 5, 8]
LATER_GOAL = "gå tur med hunden igjen"
LATER_GOAL_BASELINE = 2


def _demo_patients(nurse: User) -> list[Patient]:
    return list(
        Patient.objects.filter(primary_contact=nurse, synthetic=True).order_by("pk")[: len(PLANS)]
    )


@transaction.atomic
def load_goal_episodes_demo(*, today: date) -> int:
    """The first demo patient's two episodes (see the module docstring); returns the number of
    goals created. Runs before the pathway demo; skips a patient who has pathways or goals."""
    nurse = User.objects.filter(username="sykepleier").first()
    patients = _demo_patients(nurse) if nurse is not None else []
    if nurse is None or not patients:
        return 0
    patient = patients[0]
    if patient.pathways.exists() or Goal.objects.filter(patient=patient).exists():
        return 0
    service = patient.services.filter(ended_on__isnull=True).select_related("unit").first()
    if service is None:
        return 0
    version = install_national_defaults()["hph"].versions.get(
        number=1, status=TemplateVersion.Status.PUBLISHED
    )
    first_home = _at(today - timedelta(days=80), 10)
    pathway_services.pathway_start(
        actor=nurse,
        patient=patient,
        version=version,
        unit=service.unit,
        start_reason=Pathway.StartReason.DISCHARGE,
        started_at=first_home,
        discharged_at=first_home,
        arrived_home_at=first_home,
    )
    texts, baseline, follow_up = PLANS[0]
    goals = [
        services.goal_add(patient=patient, actor=nurse, text=text, answered_by=AnsweredBy.PATIENT)
        for text in texts
    ]
    for kind, values, day in (
        (Scoring.Kind.BASELINE, baseline, today - timedelta(days=78)),
        (Scoring.Kind.FOLLOW_UP, follow_up or [], today - timedelta(days=52)),
    ):
        services.scoring_record(
            patient=patient,
            actor=nurse,
            kind=kind,
            scores={g.pk: v for g, v in zip(goals, values, strict=True)},
            scored_at=_at(day),
        )
    # The checklists due before the readmission are done, then readmitted and home again:
    # the first pathway ends and a new one follows it.
    rng = random.Random("goal-episodes-demo")
    admitted = _at(today - timedelta(days=45), 8)
    _work_through(patient, actor=nurse, until=admitted, rng=rng, today=today, p_done=1.0)
    pathway_services.event_record(
        actor=nurse,
        patient=patient,
        kind="admission",
        occurred_at=admitted,
    )
    pathway_services.event_record(
        actor=nurse,
        patient=patient,
        kind="return_home",
        occurred_at=_at(today - timedelta(days=40), 10),
    )
    services.scoring_record(
        patient=patient,
        actor=nurse,
        kind=Scoring.Kind.BASELINE,
        scores={g.pk: v for g, v in zip(goals, SECOND_BASELINE, strict=True)},
        scored_at=_at(today - timedelta(days=39)),
    )
    later = services.goal_add(
        patient=patient, actor=nurse, text=LATER_GOAL, answered_by=AnsweredBy.PATIENT
    )
    services.scoring_record(
        patient=patient,
        actor=nurse,
        kind=Scoring.Kind.FOLLOW_UP,
        scores={
            **{g.pk: v for g, v in zip(goals, SECOND_FOLLOW_UP, strict=True)},
            later.pk: LATER_GOAL_BASELINE,
        },
        scored_at=_at(today - timedelta(days=20)),
    )
    services.scoring_record(
        patient=patient,
        actor=nurse,
        kind=Scoring.Kind.FOLLOW_UP,
        scores={goals[0].pk: 8, goals[1].pk: 6, goals[2].pk: 9, later.pk: 4},
        scored_at=_at(today - timedelta(days=3)),
    )
    _work_through(patient, actor=nurse, until=_at(today, 7), rng=rng, today=today, p_done=1.0)
    return len(goals) + 1


@transaction.atomic
def load_goals_demo(*, today: date) -> int:
    """Create demo goals, scorings and a portal login; returns the number of goals created."""
    nurse = User.objects.filter(username="sykepleier").first()
    if nurse is None:  # load_demo has not run
        return 0
    patients = _demo_patients(nurse)
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
        # In the running pathway, if any: a scoring is not dated before its episode started.
        running = patient.pathways.filter(ended_at__isnull=True).order_by("-started_at").first()
        baseline_at = _at(today - timedelta(days=30))
        if running is not None:
            baseline_at = min(max(baseline_at, running.started_at), timezone.now())
        services.scoring_record(
            patient=patient,
            actor=nurse,
            kind=Scoring.Kind.BASELINE,
            scores={g.pk: v for g, v in zip(goals, baseline, strict=True)},
            scored_at=baseline_at,
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
        user.password = demo_password_hash()
        user.save()
        portal_services.portal_account_create(
            user=user, patient=patient, relation=PortalAccount.Relation.SELF
        )
    return created
