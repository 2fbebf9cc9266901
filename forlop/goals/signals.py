"""Keeping the goals header's cache true: every saved goal, scoring, score or suggestion raises
its patient's ``panel_version`` (``patients.models.bump_panel_version``), in the same
transaction as the change.

Signals rather than a call in each service: the cache must hold whoever writes the row (the
services, the FHIR restore, the demo loader, the admin), and a forgotten call would show a
nurse goals the patient no longer has. ``post_save`` only: goals, scorings and suggestions are
never deleted on their own (a goal ends, a suggestion is marked seen); a patient's rows go with
the patient, whose cache entries then can no longer be reached. Writes that send no signal
(``bulk_create`` of a scoring's scores, the generator's COPY) come with a saved scoring, or
before any page has been served.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from forlop.goals.models import Goal, PatientProposal, Score, Scoring
from forlop.patients.models import bump_panel_version


def _goal_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    bump_panel_version(instance.patient_id)


def _score_changed(sender: type, instance: Score, **kwargs: Any) -> None:
    bump_panel_version(instance.scoring.patient_id)


def connect() -> None:
    for model in (Goal, Scoring, PatientProposal):
        post_save.connect(_goal_changed, sender=model, dispatch_uid=f"goals-panel-{model.__name__}")
    post_save.connect(_score_changed, sender=Score, dispatch_uid="goals-panel-Score")
