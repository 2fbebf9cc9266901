"""The demo loader: the first demo patient's two episodes (the worked example in the first),
idempotent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from forlop.demo.goals import load_goal_episodes_demo, load_goals_demo
from forlop.demo.testing import demo_load
from forlop.goals import selectors
from forlop.goals.models import Goal, Scoring
from forlop.portal.models import PortalAccount

pytestmark = pytest.mark.django_db


def test_load_goals_demo_is_idempotent():
    today = date(2026, 3, 11)  # the day of the other demo tests: one load (or copy) for them all
    created = demo_load(today=today)  # forlop demo loads the goals demo too
    assert created["goals"] == 9
    assert load_goals_demo(today=today) == 0
    assert load_goal_episodes_demo(today=today) == 0
    assert Goal.objects.count() == 9
    assert Scoring.objects.count() == 7
    account = PortalAccount.objects.get(user__username="pasient")
    summary = selectors.goal_summary(patient=account.patient)
    # the current episode (after the readmission): a new baseline, a goal added later with its
    # own (2), paired per goal: (4+3+6+2)/4 = 3.75 -> 6.75, +3.0
    assert (summary.baseline_average, summary.latest_average, summary.change) == (
        Decimal("3.8"),
        Decimal("6.8"),
        Decimal("3.0"),
    )
    assert summary.episode.pathway.previous is not None
    # the earlier episode: the worked example, 4.3 -> 8.3, +4.0
    [earlier] = summary.earlier
    assert earlier.pathway == summary.episode.pathway.previous
    assert earlier.ended_at == summary.episode.pathway.started_at
    assert (
        earlier.pairing.baseline_average,
        earlier.pairing.latest_average,
        earlier.change,
    ) == (Decimal("4.3"), Decimal("8.3"), Decimal("4.0"))
    assert not account.user.memberships.exists()


def test_load_goals_demo_without_demo_does_nothing():
    assert load_goals_demo(today=date(2026, 11, 23)) == 0
