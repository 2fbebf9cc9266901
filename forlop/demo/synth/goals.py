"""Goals and their scorings ("Hva er viktig for deg?") for the synthetic pathways, so the
what-matters measures (goals recorded at the start, change at the follow-up) have something to
count at scale.

Per pathway, by chance (more often for discharges, and more often after the change half-way):
one to three goals in the patient's words, asked and scored (the baseline) within the first
three weeks, so most fall inside the measure's 14 days and some after; then, for about two in
three, a follow-up scoring three to four weeks later if the pathway was still running, where the
scores rose for most patients and fell or stayed for the rest. A goal scored 9 or 10 at the
follow-up is reached. Everything is registered when it happened (``created_at``), so measures
"as of" a past time see the numbers of then.

A random generator of its own (seeded from the seed and the municipality), so adding goals did
not change the pathways and stop points a seed gave before.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db.models import F, OuterRef, Subquery

from forlop.goals.models import AnsweredBy, Goal, Score, Scoring
from forlop.pathways.models import Pathway

GOALS_CHANCE = {
    Pathway.StartReason.DISCHARGE: 0.7,
    Pathway.StartReason.DECLINE: 0.55,
    Pathway.StartReason.NEW_USER: 0.4,
    Pathway.StartReason.ANNUAL_REVIEW: 0.5,
}
AFTER_CHANGE = 0.15  # more conversations after the change half-way through the period
FOLLOW_UP_CHANCE = 0.65
IMPROVES_CHANCE = 0.7
GOAL_TEXTS = (
    "komme meg hjem",
    "klare trappen selv",
    "gå til butikken selv",
    "lage middag selv",
    "treffe venninnene på kafé",
    "gå tur med hunden igjen",
    "sove bedre om natta",
    "slippe å falle",
    "stelle hagen",
    "være hjemme til jul",
    "dusje uten hjelp",
    "komme meg på kirkegården",
)


def write_goals(
    rng: random.Random,
    pathways: Iterable[Pathway],
    *,
    version_id: int,
    now: datetime,
    change_at: datetime,
) -> tuple[int, int]:
    """Goals, scorings and scores for ``pathways`` (saved, with keys); returns (goals,
    scorings) written."""
    goals: list[Goal] = []
    scorings: list[Scoring] = []
    # (scoring, goal, value), resolved to keys once both are saved
    scores: list[tuple[Scoring, Goal, int]] = []
    for pathway in pathways:
        chance = GOALS_CHANCE[pathway.start_reason]
        if pathway.started_at >= change_at:
            chance += AFTER_CHANGE
        if rng.random() >= chance:
            continue
        horizon = pathway.ended_at or now
        # Mostly in the first days, some after the measure's 14 days.
        asked = pathway.started_at + timedelta(hours=rng.triangular(2, 20 * 24, 24))
        if asked > horizon:
            continue
        who = pathway.primary_contact_id
        texts = rng.sample(GOAL_TEXTS, rng.choice((1, 2, 2, 3)))
        mine = [
            Goal(
                patient_id=pathway.patient_id,
                municipality_id=pathway.municipality_id,
                version_id=version_id,
                text=text,
                answered_by=AnsweredBy.PATIENT,
                created_by_id=who,
            )
            for text in texts
        ]
        baseline = Scoring(
            patient_id=pathway.patient_id,
            municipality_id=pathway.municipality_id,
            version_id=version_id,
            kind=Scoring.Kind.BASELINE,
            pathway_id=pathway.pk,
            scored_at=asked,
            recorded_by_id=who,
        )
        first = [rng.randint(1, 6) for _ in mine]
        goals.extend(mine)
        scorings.append(baseline)
        scores.extend((baseline, goal, value) for goal, value in zip(mine, first, strict=True))
        later = asked + timedelta(days=rng.uniform(21, 30))
        if later > horizon or rng.random() >= FOLLOW_UP_CHANCE:
            continue
        follow_up = Scoring(
            patient_id=pathway.patient_id,
            municipality_id=pathway.municipality_id,
            version_id=version_id,
            kind=Scoring.Kind.FOLLOW_UP,
            pathway_id=pathway.pk,
            scored_at=later,
            recorded_by_id=who,
        )
        scorings.append(follow_up)
        improves = rng.random() < IMPROVES_CHANCE
        for goal, value in zip(mine, first, strict=True):
            step = rng.randint(1, 5) if improves else rng.randint(-2, 0)
            now_value = max(0, min(10, value + step))
            scores.append((follow_up, goal, now_value))
            if now_value >= 9:
                goal.status = Goal.Status.REACHED
                goal.status_changed_at = later
    if not scorings:
        return 0, 0
    Goal.objects.bulk_create(goals, batch_size=2000)
    Scoring.objects.bulk_create(scorings, batch_size=2000)
    rows = []
    for scoring, goal, value in scores:
        rows.append(
            Score(
                scoring_id=scoring.pk,
                goal_id=goal.pk,
                value=value,
                municipality_id=scoring.municipality_id,
            )
        )
        rows[-1].recorded = scoring.scored_at  # type: ignore[attr-defined]
    from forlop.demo.synth.write import _fast_insert

    _fast_insert(Score, rows, created="recorded")
    # Registered when they were asked and scored, not when the generator ran.
    scoring_ids = [s.pk for s in scorings]
    Scoring.objects.filter(pk__gte=min(scoring_ids), pk__lte=max(scoring_ids)).update(
        created_at=F("scored_at")
    )
    goal_ids = [g.pk for g in goals]
    asked_at = (
        Score.objects.filter(goal_id=OuterRef("pk"))
        .order_by("scoring__scored_at")
        .values("scoring__scored_at")[:1]
    )
    Goal.objects.filter(pk__gte=min(goal_ids), pk__lte=max(goal_ids)).update(
        created_at=Subquery(asked_at)
    )
    return len(goals), len(scorings)
