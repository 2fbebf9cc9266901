"""Reads: goal rows with scores over time, the summary and the header."""

from __future__ import annotations

from decimal import Decimal

import pytest

from forlop.core.models import AuditEvent
from forlop.goals import selectors, services
from forlop.goals.models import Goal, Scoring, WhatMattersFormVersion
from forlop.goals.tests.builders import BASELINE_AT, FOLLOW_UP_AT, add_goals, record

pytestmark = pytest.mark.django_db


def test_summary_seed_example(patient, seed_goals):
    summary = selectors.goal_summary(patient=patient)
    assert summary.baseline_average == Decimal("4.3")
    assert summary.latest_average == Decimal("8.3")
    assert summary.change == Decimal("4.0")
    assert summary.meaningful is True
    assert summary.threshold == Decimal("2.3")
    assert summary.threshold_source.startswith("Abbott & Schmitt 2014")
    assert [avg for _s, avg in summary.averages] == [Decimal("4.3"), Decimal("8.3")]


def test_summary_reversed_direction_same_sign(patient, nurse):
    # given a form version where 0 = no problem and 10 = cannot do it
    version = services.form_version_national_default_ensure()
    WhatMattersFormVersion.objects.filter(pk=version.pk).update(direction="lower_is_better")
    goals = add_goals(patient, nurse, ["a", "b", "c"])
    # the same improvement, scored the other way round
    record(patient, nurse, Scoring.Kind.BASELINE, goals, [5, 7, 5], BASELINE_AT)
    record(patient, nurse, Scoring.Kind.FOLLOW_UP, goals, [0, 5, 0], FOLLOW_UP_AT)
    summary = selectors.goal_summary(patient=patient)
    assert summary.baseline_average == Decimal("5.7")
    assert summary.latest_average == Decimal("1.7")
    assert summary.change == Decimal("4.0")
    assert summary.improved
    assert summary.meaningful


def test_summary_missing_follow_up_scores_pairs_goals(patient, nurse):
    goals = add_goals(patient, nurse, ["a", "b", "c"])
    record(patient, nurse, Scoring.Kind.BASELINE, goals, [5, 3, 5], BASELINE_AT)
    # the second goal is not scored at follow-up
    record(patient, nurse, Scoring.Kind.FOLLOW_UP, goals, [6, None, 6], FOLLOW_UP_AT)
    summary = selectors.goal_summary(patient=patient)
    assert summary.baseline_average == Decimal("4.3")
    assert summary.latest_average == Decimal("6.0")
    assert summary.change == Decimal("1.0")  # paired: 5,5 -> 6,6
    assert summary.fully_paired is False
    assert summary.meaningful is False
    rows = selectors.goals_for_patient(patient=patient)
    assert [[p.value for p in row.points] for row in rows] == [[5, 6], [3, None], [5, 6]]
    assert [row.latest for row in rows] == [6, 3, 6]


def test_summary_without_scores(patient, nurse):
    assert selectors.goal_summary(patient=patient).version is None
    add_goals(patient, nurse, ["a"])
    summary = selectors.goal_summary(patient=patient)
    assert summary.baseline_average is None
    assert summary.change is None
    assert summary.meaningful is False


def test_goals_for_patient_puts_inactive_last(patient, nurse):
    goals = add_goals(patient, nurse, ["a", "b"])
    services.goal_status_change(goal=goals[0], actor=nurse, status=Goal.Status.REACHED)
    rows = selectors.goals_for_patient(patient=patient)
    assert [r.goal.text for r in rows] == ["b", "a"]
    assert [
        r.goal.text for r in selectors.goals_for_patient(patient=patient, include_inactive=False)
    ] == ["b"]


def test_goals_header_no_audit(patient, nurse, seed_goals):
    before = AuditEvent.objects.count()
    header = selectors.goals_header(patient=patient)
    assert header is not None
    assert [g.text for g in header.goals] == [g.text for g in seed_goals]
    assert header.latest_average == Decimal("8.3")
    assert AuditEvent.objects.count() == before


def test_goals_header_none_without_goals(patient):
    assert selectors.goals_header(patient=patient) is None


def test_question_falls_back_to_bokmal(patient, nurse):
    version = services.form_version_national_default_ensure()
    assert selectors.question_for_language(version=version, language="nn").language == "nn"
    assert selectors.question_for_language(version=version, language="se").language == "nb"
    assert selectors.question_for_language(version=version, language="en-gb").language == "en"
