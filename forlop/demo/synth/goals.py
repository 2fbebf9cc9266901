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
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol

from forlop.demo.synth.tables import GOAL, SCORE, SCORING
from forlop.goals.models import Goal, Scoring
from forlop.pathways.models import Pathway

if TYPE_CHECKING:
    from collections.abc import Callable

    from forlop.demo.synth.write import Chunk


class _HasGoalKeys(Protocol):
    goal: Callable[[], int]
    scoring: Callable[[], int]


GOALS_CHANCE = {
    Pathway.StartReason.DISCHARGE: 0.7,
    Pathway.StartReason.DECLINE: 0.55,
    Pathway.StartReason.NEW_USER: 0.4,
    Pathway.StartReason.ANNUAL_REVIEW: 0.5,
}
AFTER_CHANGE = 0.15  # more conversations after the change half-way through the period
FOLLOW_UP_CHANCE = 0.65
IMPROVES_CHANCE = 0.7
REACHED = Goal.Status.REACHED.value
ACTIVE = Goal.Status.ACTIVE.value
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


def goal_rows(
    rng: random.Random,
    chunk: Chunk,
    keys: _HasGoalKeys,
    *,
    pathway_id: int,
    patient_id: int,
    nurse_id: int,
    reason: str,
    started: datetime,
    ended: datetime | None,
    version_id: int,
    now: datetime,
    change_at: datetime,
) -> None:
    """Append the goals, scorings and scores of one pathway (maybe none) to ``chunk``."""
    chance = GOALS_CHANCE[Pathway.StartReason(reason)]
    if started >= change_at:
        chance += AFTER_CHANGE
    if rng.random() >= chance:
        return
    horizon = ended or now
    # Mostly in the first days, some after the measure's 14 days.
    asked = started + timedelta(hours=rng.triangular(2, 20 * 24, 24))
    if asked > horizon:
        return
    texts = rng.sample(GOAL_TEXTS, rng.choice((1, 2, 2, 3)))
    goal_ids = [keys.goal() for _ in texts]
    baseline_id = keys.scoring()
    scorings = chunk.rows[SCORING]
    scores = chunk.rows[SCORE]
    scorings.append(
        (
            baseline_id,
            patient_id,
            version_id,
            Scoring.Kind.BASELINE.value,
            pathway_id,
            asked,
            nurse_id,
            asked,
            asked,
        )
    )
    first = [rng.randint(1, 6) for _ in texts]
    scores.extend(
        (baseline_id, goal_id, value, asked, asked)
        for goal_id, value in zip(goal_ids, first, strict=True)
    )
    reached: set[int] = set()
    later = asked + timedelta(days=rng.uniform(21, 30))
    if later <= horizon and rng.random() < FOLLOW_UP_CHANCE:
        follow_up_id = keys.scoring()
        scorings.append(
            (
                follow_up_id,
                patient_id,
                version_id,
                Scoring.Kind.FOLLOW_UP.value,
                pathway_id,
                later,
                nurse_id,
                later,
                later,
            )
        )
        improves = rng.random() < IMPROVES_CHANCE
        for goal_id, value in zip(goal_ids, first, strict=True):
            step = rng.randint(1, 5) if improves else rng.randint(-2, 0)
            now_value = max(0, min(10, value + step))
            scores.append((follow_up_id, goal_id, now_value, later, later))
            if now_value >= 9:
                reached.add(goal_id)
    # Registered when they were asked and scored (the baseline), not when the generator ran.
    chunk.rows[GOAL].extend(
        (
            (goal_id, patient_id, version_id, text, REACHED, later, nurse_id, asked, later)
            if goal_id in reached
            else (goal_id, patient_id, version_id, text, ACTIVE, None, nurse_id, asked, asked)
        )
        for goal_id, text in zip(goal_ids, texts, strict=True)
    )
