"""Writes: goals, history, scorings, and that broken rules save nothing."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from forlop.core.models import AuditEvent, AuditVerb
from forlop.goals import services
from forlop.goals.models import (
    Goal,
    GoalChange,
    Score,
    Scoring,
    WhatMattersFormVersion,
)
from forlop.goals.tests.builders import BASELINE_AT, FOLLOW_UP_AT, add_goals, record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """These tests compare messages with their English msgids; pages are tested in Norwegian."""
    with translation.override("en"):
        yield


def _counts() -> tuple[int, int, int, int]:
    return (
        Goal.objects.count(),
        Scoring.objects.count(),
        Score.objects.count(),
        AuditEvent.objects.count(),
    )


def test_goal_add_uses_national_default_and_audits(patient, nurse):
    # when
    goal = services.goal_add(patient=patient, actor=nurse, text="  klare  de 13 trappene ")
    # then
    assert goal.text == "klare de 13 trappene"
    assert goal.version.form.organisation is None
    assert goal.version.max_goals == 5
    assert goal.version.threshold == Decimal("2.3")
    assert "Abbott & Schmitt 2014" in goal.version.threshold_source
    assert set(goal.version.questions.values_list("language", flat=True)) == {"nb", "nn", "en"}
    assert (
        AuditEvent.objects.filter(
            verb=AuditVerb.GOAL_CHANGED, patient_id=patient.pk, actor=nurse
        ).count()
        == 1
    )


def test_national_default_is_created_once(patient, nurse):
    services.goal_add(patient=patient, actor=nurse, text="a")
    services.form_version_national_default_ensure()
    assert WhatMattersFormVersion.objects.count() == 1


def test_sixth_goal_refused_nothing_saved(patient, nurse):
    # given five active goals
    add_goals(patient, nurse, ["1", "2", "3", "4", "5"])
    before = _counts()
    # when / then
    with pytest.raises(ValidationError) as exc:
        services.goal_add(patient=patient, actor=nurse, text="sjette")
    assert exc.value.error_list[0].code == "too_many_goals"
    assert "5" in exc.value.messages[0]
    assert _counts() == before


def test_dropped_goal_frees_a_place(patient, nurse):
    goals = add_goals(patient, nurse, ["1", "2", "3", "4", "5"])
    services.goal_status_change(goal=goals[0], actor=nurse, status=Goal.Status.DROPPED)
    services.goal_add(patient=patient, actor=nurse, text="ny")
    assert Goal.objects.filter(patient=patient, status=Goal.Status.ACTIVE).count() == 5
    # and making the dropped goal active again would pass the limit
    with pytest.raises(ValidationError):
        services.goal_status_change(goal=goals[0], actor=nurse, status=Goal.Status.ACTIVE)
    assert Goal.objects.get(pk=goals[0].pk).status == Goal.Status.DROPPED


def test_goal_edit_rewords_and_changes_status_both_or_neither(patient, nurse):
    # given five active goals and a dropped one
    goals = add_goals(patient, nurse, ["1", "2", "3", "4", "5"])
    services.goal_status_change(goal=goals[0], actor=nurse, status=Goal.Status.DROPPED)
    services.goal_add(patient=patient, actor=nurse, text="ny")
    before = (_counts(), GoalChange.objects.count())
    # when the edit rewords the dropped goal and makes it active, past the limit of five
    with pytest.raises(ValidationError):
        services.goal_edit(goal=goals[0], actor=nurse, text="1 omformulert", status="active")
    # then the rewording is not kept either
    goal = Goal.objects.get(pk=goals[0].pk)
    assert (goal.text, goal.status) == ("1", Goal.Status.DROPPED)
    assert (_counts(), GoalChange.objects.count()) == before
    # and within the limit both steps are saved, each with its history row
    services.goal_edit(goal=goals[1], actor=nurse, text="2 omformulert", status="reached")
    goal = Goal.objects.get(pk=goals[1].pk)
    assert (goal.text, goal.status) == ("2 omformulert", Goal.Status.REACHED)
    assert GoalChange.objects.count() == before[1] + 2


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_goal_text_refused(patient, nurse, text):
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        services.goal_add(patient=patient, actor=nurse, text=text)
    assert exc.value.error_list[0].code == "goal_text_required"
    assert _counts() == before


def test_goal_update_keeps_history(patient, nurse):
    goal = services.goal_add(patient=patient, actor=nurse, text="komme hjem")
    services.goal_update(goal=goal, actor=nurse, text="komme hjem til jul", note="presisert")
    services.goal_status_change(goal=goal, actor=nurse, status=Goal.Status.REACHED)
    goal.refresh_from_db()
    assert goal.text == "komme hjem til jul"
    assert goal.status == Goal.Status.REACHED
    changes = list(GoalChange.objects.filter(goal=goal).order_by("pk"))
    assert [(c.old_text, c.new_text, c.old_status, c.new_status) for c in changes] == [
        ("komme hjem", "komme hjem til jul", "active", "active"),
        ("komme hjem til jul", "komme hjem til jul", "active", "reached"),
    ]


def test_scoring_seed_example(patient, nurse, seed_goals):
    baseline, follow_up = Scoring.objects.filter(patient=patient).order_by("scored_at")
    assert baseline.kind == Scoring.Kind.BASELINE
    assert follow_up.kind == Scoring.Kind.FOLLOW_UP
    assert [s.value for s in baseline.scores.order_by("goal")] == [5, 3, 5]
    assert [s.value for s in follow_up.scores.order_by("goal")] == [10, 5, 10]
    assert AuditEvent.objects.filter(verb=AuditVerb.SCORES_RECORDED).count() == 2


@pytest.mark.parametrize(
    ("bad", "code"), [(11, "above_maximum"), (-1, "below_minimum"), ("7.5", "not_integer")]
)
def test_bad_score_refused_nothing_saved(patient, nurse, bad, code):
    goals = add_goals(patient, nurse, ["a", "b", "c"])
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        record(patient, nurse, Scoring.Kind.BASELINE, goals, [5, bad, 5], BASELINE_AT)
    assert exc.value.error_list[0].code == code
    assert _counts() == before


def test_follow_up_without_baseline_refused(patient, nurse):
    goals = add_goals(patient, nurse, ["a"])
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        record(patient, nurse, Scoring.Kind.FOLLOW_UP, goals, [5], FOLLOW_UP_AT)
    assert exc.value.error_list[0].code == "no_baseline"
    assert exc.value.messages == ["Record the baseline before a follow-up."]
    assert _counts() == before


@pytest.mark.parametrize("offset", [timedelta(0), timedelta(days=-1)])
def test_follow_up_before_or_at_baseline_refused(patient, nurse, offset):
    goals = add_goals(patient, nurse, ["a", "b"])
    record(patient, nurse, Scoring.Kind.BASELINE, goals, [3, 4], BASELINE_AT)
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        record(patient, nurse, Scoring.Kind.FOLLOW_UP, goals, [6, 7], BASELINE_AT + offset)
    assert exc.value.error_list[0].code == "follow_up_not_after_baseline"
    assert exc.value.messages == ["The follow-up scoring must be later than the baseline scoring."]
    assert _counts() == before


def test_second_baseline_refused(patient, nurse):
    goals = add_goals(patient, nurse, ["a"])
    record(patient, nurse, Scoring.Kind.BASELINE, goals, [3], BASELINE_AT)
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        record(patient, nurse, Scoring.Kind.BASELINE, goals, [4], FOLLOW_UP_AT)
    assert exc.value.error_list[0].code == "baseline_exists"
    assert _counts() == before


def test_scoring_another_patients_goal_refused(patient, other_patient, nurse, other_nurse):
    mine = add_goals(patient, nurse, ["a"])
    theirs = add_goals(other_patient, other_nurse, ["b"])
    before = _counts()
    with pytest.raises(ValidationError):
        services.scoring_record(
            patient=patient,
            actor=nurse,
            kind=Scoring.Kind.BASELINE,
            scores={mine[0].pk: 3, theirs[0].pk: 4},
            scored_at=BASELINE_AT,
        )
    assert _counts() == before


def test_scoring_with_no_scores_refused(patient, nurse):
    goals = add_goals(patient, nurse, ["a"])
    with pytest.raises(ValidationError) as exc:
        services.scoring_record(
            patient=patient, actor=nurse, kind="baseline", scores={goals[0].pk: ""}
        )
    assert exc.value.error_list[0].code == "no_scores"
    assert Scoring.objects.count() == 0


def test_a_scoring_dated_ahead_is_refused(patient, nurse):
    # a follow-up three weeks ahead became "latest" in every header: no scoring after today
    goals = add_goals(patient, nurse, ["a"])
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        record(
            patient,
            nurse,
            Scoring.Kind.BASELINE,
            goals,
            [5],
            timezone.now() + timedelta(days=21),
        )
    assert exc.value.code == "future"
    assert _counts() == before
