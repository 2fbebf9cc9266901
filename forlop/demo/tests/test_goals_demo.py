"""The demo loader: the worked example for the first demo patient, idempotent."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from forlop.demo.goals import load_goals_demo
from forlop.demo.loader import load_demo
from forlop.goals import selectors
from forlop.goals.models import Goal, Scoring
from forlop.portal.models import PortalAccount

pytestmark = pytest.mark.django_db


def test_load_goals_demo_is_idempotent():
    today = date(2026, 11, 23)
    created = load_demo(today=today)  # forlop demo loads the goals demo too
    assert created["goals"] == 8
    assert load_goals_demo(today=today) == 0
    assert Goal.objects.count() == 8
    assert Scoring.objects.count() == 4
    account = PortalAccount.objects.get(user__username="pasient")
    summary = selectors.goal_summary(patient=account.patient)
    assert (summary.baseline_average, summary.latest_average, summary.change) == (
        Decimal("4.3"),
        Decimal("8.3"),
        Decimal("4.0"),
    )
    assert not account.user.memberships.exists()


def test_load_goals_demo_without_demo_does_nothing():
    assert load_goals_demo(today=date(2026, 11, 23)) == 0
