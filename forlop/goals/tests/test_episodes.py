"""Goal scorings per episode (issue 9, item 7), through the services and selectors: a new
pathway starts a new baseline, change pairs per goal within the episode, a closed pathway
takes no scoring, the goals page folds the earlier episodes, and the backfill of the
migration assigns existing scorings to their pathways."""

from __future__ import annotations

import importlib
from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from forlop.core.models import AuditEvent, AuditVerb
from forlop.core.tz import OSLO
from forlop.goals import rules, selectors, services
from forlop.goals.models import Score, Scoring
from forlop.goals.tests.builders import add_goals
from forlop.pathways.models import Pathway
from forlop.pathways.tests.factories import PathwayFactory

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-20T12:00+01:00")]

NOW = datetime(2026, 11, 20, 12, tzinfo=OSLO)


def at(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 12, tzinfo=OSLO)


def _counts() -> tuple[int, int, int]:
    return Scoring.objects.count(), Score.objects.count(), AuditEvent.objects.count()


@pytest.fixture
def two_episodes(patient, nurse, district):
    """A discharge pathway in August-September (ended) and an annual review from October."""
    with time_machine.travel(at(8, 1), tick=False):
        first = PathwayFactory(patient=patient, unit=district, started_at=at(8, 1))
        goals = add_goals(patient, nurse, ["komme meg hjem", "gå i trappen"])
        services.scoring_record(
            patient=patient, actor=nurse, kind="baseline", scores={goals[0].pk: 5, goals[1].pk: 3}
        )
    with time_machine.travel(at(9, 1), tick=False):
        services.scoring_record(
            patient=patient, actor=nurse, kind="follow_up", scores={goals[0].pk: 9, goals[1].pk: 5}
        )
    Pathway.objects.filter(pk=first.pk).update(ended_at=at(9, 15), end_reason="completed")
    second = PathwayFactory(
        patient=patient,
        unit=district,
        version=first.version,
        started_at=at(10, 1),
        start_reason=Pathway.StartReason.ANNUAL_REVIEW,
    )
    return first, second, goals


def test_a_new_pathway_starts_a_new_baseline(patient, nurse, two_episodes):
    first, second, goals = two_episodes
    with time_machine.travel(at(10, 2), tick=False):
        baseline = services.scoring_record(
            patient=patient, actor=nurse, kind="baseline", scores={goals[0].pk: 6, goals[1].pk: 2}
        )
        later = add_goals(patient, nurse, ["treffe venner"])[0]
    with time_machine.travel(at(10, 16), tick=False):
        services.scoring_record(
            patient=patient,
            actor=nurse,
            kind="follow_up",
            scores={goals[0].pk: 7, goals[1].pk: 2, later.pk: 3},  # the new goal's baseline
        )
    with time_machine.travel(at(11, 1), tick=False):
        services.scoring_record(
            patient=patient,
            actor=nurse,
            kind="follow_up",
            scores={goals[0].pk: 4, goals[1].pk: 1, later.pk: 1},
        )
    assert baseline.pathway == second
    assert list(Scoring.objects.filter(pathway=first).values_list("kind", flat=True)) == [
        "baseline",
        "follow_up",
    ]
    summary = selectors.goal_summary(patient=patient, now=NOW)
    assert summary.episode.pathway == second
    # per goal within the annual review: 6 -> 4, 2 -> 1, 3 -> 1; mean change -5/3 = -1.7
    assert summary.change == Decimal("-1.7")
    assert summary.flag is rules.ChangeFlag.DECLINED  # at or beyond the decline threshold 1.3
    assert summary.meaningful is True
    assert summary.declined is True
    assert summary.decline_threshold == Decimal("1.3")
    assert [s.scored_at for s, _avg in summary.averages] == [at(10, 2), at(10, 16), at(11, 1)]
    # the earlier episode, paired on its own: 5 -> 9, 3 -> 5 = +3.0
    assert [(e.pathway, e.change, e.flag) for e in summary.earlier] == [
        (first, Decimal("3.0"), rules.ChangeFlag.IMPROVED)
    ]
    audit = AuditEvent.objects.filter(verb=AuditVerb.SCORES_RECORDED).order_by("pk").last()
    assert audit.data["pathway"] == second.pk


def test_scoring_a_closed_episode_is_refused_and_saves_nothing(patient, nurse, two_episodes):
    first, _second, goals = two_episodes
    before = _counts()
    with time_machine.travel(at(10, 5), tick=False), pytest.raises(ValidationError) as exc:
        services.scoring_record(
            patient=patient, actor=nurse, kind="follow_up", scores={goals[0].pk: 8}, pathway=first
        )
    assert exc.value.error_list[0].code == "episode_closed"
    assert exc.value.messages[0].startswith("Dette forløpet er avsluttet")
    assert _counts() == before


@pytest.mark.parametrize("value", [11, -1, "7,5", "ti"])
def test_a_score_outside_0_10_is_refused_and_saves_nothing(patient, nurse, two_episodes, value):
    _first, _second, goals = two_episodes
    before = _counts()
    with time_machine.travel(at(10, 5), tick=False), pytest.raises(ValidationError) as exc:
        services.scoring_record(
            patient=patient, actor=nurse, kind="baseline", scores={goals[0].pk: value}
        )
    assert exc.value.messages[0] in {
        "Skåren kan ikke være høyere enn 10.",
        "Skåren kan ikke være lavere enn 0.",
        "Skåren må være et helt tall fra 0 til 10.",
    }
    assert _counts() == before


def test_a_scoring_before_the_pathway_started_is_refused(patient, nurse, two_episodes):
    _first, _second, goals = two_episodes
    before = _counts()
    with time_machine.travel(at(10, 5), tick=False), pytest.raises(ValidationError) as exc:
        services.scoring_record(
            patient=patient,
            actor=nurse,
            kind="baseline",
            scores={goals[0].pk: 5},
            scored_at=at(9, 20),
        )
    assert exc.value.error_list[0].code == "before_episode_start"
    assert "01.10.2026" in exc.value.messages[0]
    assert _counts() == before


def test_a_second_baseline_in_one_episode_is_refused(patient, nurse, two_episodes):
    _first, _second, goals = two_episodes
    with time_machine.travel(at(10, 2), tick=False):
        services.scoring_record(
            patient=patient, actor=nurse, kind="baseline", scores={goals[0].pk: 5}
        )
        before = _counts()
        with pytest.raises(ValidationError) as exc:
            services.scoring_record(
                patient=patient, actor=nurse, kind="baseline", scores={goals[1].pk: 5}
            )
    assert exc.value.error_list[0].code == "baseline_exists"
    assert _counts() == before


def test_the_goals_page_folds_earlier_episodes(client, patient, nurse, two_episodes):
    _first, second, goals = two_episodes
    with time_machine.travel(at(10, 2), tick=False):
        services.scoring_record(
            patient=patient, actor=nurse, kind="baseline", scores={goals[0].pk: 6, goals[1].pk: 2}
        )
    client.force_login(nurse)
    with time_machine.travel(at(10, 3), tick=False):
        response = client.get(reverse("goals:page", args=[patient.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="earlier-episode"' in html
    assert html.count('data-testid="earlier-episode"') == 1
    assert "01.08.2026–15.09.2026" in html
    assert '<strong data-testid="earlier-change">+3,0</strong>' in html
    assert "Tidligere forløp" in html
    assert f'name="pathway" value="{second.pk}"' in html
    assert "ikke validert hos skrøpelige hjemmeboende" in html
    assert "(lokal standard)" in html


def test_the_form_posting_a_closed_episode_gets_a_norwegian_message(
    client, patient, nurse, two_episodes
):
    first, _second, goals = two_episodes
    client.force_login(nurse)
    before = _counts()[:2], AuditEvent.objects.filter(verb=AuditVerb.SCORES_RECORDED).count()
    with time_machine.travel(at(10, 3), tick=False):
        response = client.post(
            reverse("goals:scoring-record", args=[patient.pk]),
            {
                "kind": "follow_up",
                "scored_on": "03.10.2026",
                "answered_by": "patient",
                f"score_{goals[0].pk}": "7",
                "pathway": str(first.pk),
            },
        )
    assert response.status_code == 400
    assert "Dette forløpet er avsluttet" in response.content.decode()
    # nothing saved: the page's read of the patient is audited, no scoring is
    assert (
        _counts()[:2],
        AuditEvent.objects.filter(verb=AuditVerb.SCORES_RECORDED).count(),
    ) == before


def test_the_backfill_assigns_scorings_to_their_episodes(patient, nurse, district):
    migration = importlib.import_module("forlop.goals.migrations.0003_scorings_per_episode")
    first = PathwayFactory(patient=patient, unit=district, started_at=at(8, 1))
    second = PathwayFactory(
        patient=patient, unit=district, version=first.version, started_at=at(10, 1)
    )
    goal = add_goals(patient, nurse, ["a"])[0]

    def scoring(kind: str, when: datetime) -> Scoring:
        row = Scoring.objects.create(
            patient=patient, version=goal.version, kind=kind, scored_at=when
        )
        Score.objects.create(scoring=row, goal=goal, value=5)
        return row

    before_any = scoring("baseline", at(7, 10))  # within 30 days before the first: the first
    in_first = scoring("follow_up", at(8, 20))
    in_second = scoring("follow_up", at(10, 20))
    other = PathwayFactory(unit=district, started_at=at(9, 1))
    too_early = Scoring.objects.create(
        patient=other.patient, version=goal.version, kind="baseline", scored_at=at(6, 1)
    )
    migration.scorings_to_episodes(django_apps, None)
    assert [
        Scoring.objects.get(pk=s.pk).pathway_id
        for s in (before_any, in_first, in_second, too_early)
    ] == [first.pk, first.pk, second.pk, None]
