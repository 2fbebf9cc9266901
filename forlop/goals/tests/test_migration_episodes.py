"""The migration to goal scorings per episode (goals.0003), run for real: rows made at 0002
(one baseline per patient and form version, no pathway) get their pathway on the way forward,
and the way back removes the field and keeps every scoring."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from forlop.core.tests.migration_moves import migrate_to_latest
from forlop.core.tz import OSLO

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BEFORE = [("goals", "0002_portal_account_leaves_goals")]
AFTER = [("goals", "0003_scorings_per_episode")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_scorings_get_their_episode_and_the_way_back_keeps_them(patient, district) -> None:
    from forlop.pathways.tests.factories import PathwayFactory

    first = PathwayFactory(
        patient=patient, unit=district, started_at=datetime(2026, 8, 1, tzinfo=OSLO)
    )
    second = PathwayFactory(
        patient=patient,
        unit=district,
        version=first.version,
        started_at=datetime(2026, 10, 1, tzinfo=OSLO),
    )
    old = migrate(BEFORE)
    try:
        form = old.get_model("goals", "WhatMattersForm").objects.create(name="Skjema")
        version = old.get_model("goals", "WhatMattersFormVersion").objects.create(
            form=form, number=1, published=True
        )
        Goal = old.get_model("goals", "Goal")
        Scoring = old.get_model("goals", "Scoring")
        goal = Goal.objects.create(patient_id=patient.pk, version=version, text="komme meg hjem")
        ids = []
        for kind, when in (
            ("baseline", datetime(2026, 8, 3, 12, tzinfo=OSLO)),
            ("follow_up", datetime(2026, 9, 1, 12, tzinfo=OSLO)),
            ("follow_up", datetime(2026, 10, 20, 12, tzinfo=OSLO)),
        ):
            scoring = Scoring.objects.create(
                patient_id=patient.pk, version=version, kind=kind, scored_at=when
            )
            old.get_model("goals", "Score").objects.create(scoring=scoring, goal=goal, value=5)
            ids.append(scoring.pk)
        new = migrate(AFTER)
        rows = dict(
            new.get_model("goals", "Scoring")
            .objects.filter(pk__in=ids)
            .values_list("pk", "pathway_id")
        )
        assert [rows[pk] for pk in ids] == [first.pk, first.pk, second.pk]
        assert new.get_model(
            "goals", "WhatMattersFormVersion"
        ).objects.get().decline_threshold == Decimal("1.3")
        back = migrate(BEFORE)
        assert back.get_model("goals", "Scoring").objects.filter(pk__in=ids).count() == 3
        assert back.get_model("goals", "Score").objects.count() == 3
    finally:
        # The latest migrations, not AFTER: later goals migrations (the data controller's
        # column, 0004-0006) must be back for the tests that run after this one.
        migrate_to_latest()
