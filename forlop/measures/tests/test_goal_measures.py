"""The goal measures from known data built through the goals services: goals recorded at
pathway start, the mean change in the 'what matters' score (signed by the form version's
direction, so an improvement is positive) and the share with a meaningful improvement.
Database-agnostic: runs the same on SQLite and PostgreSQL (scripts/test.sh)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine

from forlop.core.models import Organisation, Unit, User
from forlop.goals import rules
from forlop.goals.models import Direction, Goal, WhatMattersForm, WhatMattersFormVersion
from forlop.goals.services import goal_add, scoring_record
from forlop.measures.compute import compute_counts
from forlop.measures.models import Measure
from forlop.measures.selectors import scope_for_organisation
from forlop.measures.tests.conftest import oslo
from forlop.pathways.models import Pathway
from forlop.pathways.tests.factories import StopPointDefinitionFactory, TemplateVersionFactory
from forlop.patients.models import Patient
from forlop.patients.tests.factories import PatientFactory, PatientServiceFactory

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)


def counts(code: str, municipality: Organisation, *, as_of: datetime | None = None) -> list:
    measure = Measure.objects.get(organisation=None, code=code)
    rows = compute_counts(
        measure,
        scope=scope_for_organisation(municipality),
        first=JAN,
        last=MAR,
        as_of=as_of or oslo(2025, 4, 30),
    )
    return [(row.period_start, row.numerator, row.denominator) for row in rows]


def version(organisation: Organisation | None, direction: str) -> WhatMattersFormVersion:
    form = WhatMattersForm.objects.create(organisation=organisation, name=f"Skjema {direction}")
    return WhatMattersFormVersion.objects.create(
        form=form, number=1, published=True, direction=direction, threshold=Decimal("2.3")
    )


@pytest.fixture
def higher(municipality: Organisation) -> WhatMattersFormVersion:
    return version(municipality, Direction.HIGHER_IS_BETTER)


@pytest.fixture
def lower(municipality: Organisation) -> WhatMattersFormVersion:
    return version(None, Direction.LOWER_IS_BETTER)


@pytest.fixture
def goals_of(nurse: User) -> Callable[..., list[Goal]]:
    """Goals added through goal_add, registered at ``on`` (time travel: created_at is then)."""

    def add(patient: Patient, form: WhatMattersFormVersion, on: datetime, n: int) -> list[Goal]:
        with time_machine.travel(on, tick=False):
            return [
                goal_add(patient=patient, actor=nurse, text=f"Mål {i}", version=form)
                for i in range(1, n + 1)
            ]

    return add


@pytest.fixture
def score(nurse: User) -> Callable[..., None]:
    def record(patient: Patient, kind: str, on: datetime, scores: Mapping[Goal, int]) -> None:
        with time_machine.travel(on, tick=False):
            scoring_record(
                patient=patient,
                actor=nurse,
                kind=kind,
                scores={goal.pk: value for goal, value in scores.items()},
                scored_at=on,
            )

    return record


@pytest.fixture
def scored(
    default_measures: None,
    municipality: Organisation,
    district: Unit,
    other_unit: Unit,
    higher: WhatMattersFormVersion,
    lower: WhatMattersFormVersion,
    add_pathway: Callable[..., object],
    goals_of: Callable[..., list[Goal]],
    score: Callable[..., None],
) -> None:
    def patient_with(form: WhatMattersFormVersion, n: int, unit: Unit = district) -> list[Goal]:
        patient = PatientFactory(municipality=unit.organisation)
        # The nurse who records the goals serves the patient (goal_add checks service need).
        PatientServiceFactory(patient=patient, unit=district, started_on=date(2024, 1, 1))
        add_pathway(unit, oslo(2025, 1, 2), patient=patient)
        return goals_of(patient, form, oslo(2025, 1, 3, 9), n)

    # A (higher is better): 3.0 -> 5.5, +2.5 in January; a second follow-up in February is
    # not the first follow-up and is left out
    a = patient_with(higher, 2)
    score(a[0].patient, "baseline", oslo(2025, 1, 3, 10), {a[0]: 2, a[1]: 4})
    score(a[0].patient, "follow_up", oslo(2025, 1, 31, 10), {a[0]: 6, a[1]: 5})
    score(a[0].patient, "follow_up", oslo(2025, 2, 20, 10), {a[0]: 0, a[1]: 0})
    # B (lower is better): 7.0 -> 4.5 is an improvement, +2.5 in February
    b = patient_with(lower, 2)
    score(b[0].patient, "baseline", oslo(2025, 1, 5), {b[0]: 8, b[1]: 6})
    score(b[0].patient, "follow_up", oslo(2025, 2, 3), {b[0]: 5, b[1]: 4})
    # C (lower is better): 2.0 -> 5.0 is a decline, -3.0 in February (meaningful, but no
    # improvement: not in the numerator of the share)
    c = patient_with(lower, 2)
    score(c[0].patient, "baseline", oslo(2025, 1, 6), {c[0]: 2, c[1]: 2})
    score(c[0].patient, "follow_up", oslo(2025, 2, 10), {c[0]: 5, c[1]: 5})
    # D (higher is better): 4.0 -> 6.25, +2.25 shows as 2.3 and meets the threshold of 2.3
    d = patient_with(higher, 4)
    score(d[0].patient, "baseline", oslo(2025, 1, 7), dict(zip(d, (4, 4, 4, 4), strict=True)))
    score(d[0].patient, "follow_up", oslo(2025, 2, 28, 23), dict(zip(d, (6, 6, 6, 7), strict=True)))
    # E: a baseline only
    e = patient_with(higher, 1)
    score(e[0].patient, "baseline", oslo(2025, 1, 8), {e[0]: 3})
    # noise: another municipality
    f = patient_with(higher, 1, unit=other_unit)
    score(f[0].patient, "baseline", oslo(2025, 1, 8), {f[0]: 0})
    score(f[0].patient, "follow_up", oslo(2025, 2, 8), {f[0]: 10})


def test_the_rules_agree_with_the_known_changes() -> None:
    # the changes the data above is built on, by the goals rules (improvement positive)
    lower_is_better = rules.Direction.LOWER_IS_BETTER
    higher_is_better = rules.Direction.HIGHER_IS_BETTER
    assert rules.change({1: 8, 2: 6}, {1: 5, 2: 4}, direction=lower_is_better) == Decimal("2.5")
    assert rules.change({1: 2, 2: 2}, {1: 5, 2: 5}, direction=lower_is_better) == Decimal("-3.0")
    d = rules.change({1: 4, 2: 4, 3: 4, 4: 4}, {1: 6, 2: 6, 3: 6, 4: 7}, direction=higher_is_better)
    assert d == Decimal("2.3")
    assert rules.is_meaningful(d, Decimal("2.3"))


def test_mean_change_is_signed_by_the_form_version_direction(scored, municipality) -> None:
    rows = counts("what-matters-change", municipality)
    # January: A +2.5; February: B +2.5, C -3.0, D +2.25
    assert rows == [
        (JAN, pytest.approx(2.5), 1),
        (FEB, pytest.approx(2.5 - 3.0 + 2.25), 3),
        (MAR, 0, 0),
    ]


def test_share_with_a_meaningful_improvement(scored, municipality) -> None:
    # A and B and D (2.25 shows as 2.3) improve by at least 2.3; C's decline does not count
    assert counts("what-matters-meaningful", municipality) == [
        (JAN, 1, 1),
        (FEB, 2, 3),
        (MAR, 0, 0),
    ]


def test_goal_measures_as_of_a_past_time(scored, municipality) -> None:
    # as of 9 February: C and D are not scored yet
    as_of = oslo(2025, 2, 9)
    assert counts("what-matters-change", municipality, as_of=as_of)[:2] == [
        (JAN, pytest.approx(2.5), 1),
        (FEB, pytest.approx(2.5), 1),
    ]
    assert counts("what-matters-meaningful", municipality, as_of=as_of)[:2] == [
        (JAN, 1, 1),
        (FEB, 1, 1),
    ]


def test_goals_recorded_at_pathway_start(
    default_measures, municipality, district, add_pathway, goals_of, higher
) -> None:
    def started(on: datetime, reason: str = "discharge") -> Patient:
        patient = PatientFactory(municipality=municipality)
        PatientServiceFactory(patient=patient, unit=district, started_on=date(2024, 1, 1))
        add_pathway(district, on, start_reason=reason, patient=patient)
        return patient

    # January: two pathways in the denominator
    goals_of(started(oslo(2025, 1, 10)), higher, oslo(2025, 1, 12), 2)  # goals: counts
    goals_of(started(oslo(2025, 1, 20), "new_user"), higher, oslo(2025, 2, 10), 1)  # 21 days late
    # an annual review asks "what matters" too: it counts (issue 9 item 7)
    goals_of(started(oslo(2025, 1, 25), "annual_review"), higher, oslo(2025, 1, 25), 1)
    # a pathway whose template has no what-matters item is not in the denominator
    bare = TemplateVersionFactory()
    StopPointDefinitionFactory(version=bare)
    patient = PatientFactory(municipality=municipality)
    PatientServiceFactory(patient=patient, unit=district, started_on=date(2024, 1, 1))
    Pathway.objects.filter(
        pk=add_pathway(district, oslo(2025, 1, 26), start_reason="decline", patient=patient).pk
    ).update(version=bare)
    # February: goals 28 days before the start count; a goal registered on 20 February counts
    # only as of a time after it
    goals_of(started(oslo(2025, 2, 5)), higher, oslo(2025, 1, 8), 1)
    goals_of(started(oslo(2025, 2, 15)), higher, oslo(2025, 2, 20), 1)
    started(oslo(2025, 2, 16), "new_user")  # no goals at all
    assert counts("goals-recorded", municipality) == [(JAN, 2, 3), (FEB, 2, 3), (MAR, 0, 0)]
    assert counts("goals-recorded", municipality, as_of=oslo(2025, 2, 18)) == [
        (JAN, 2, 3),
        (FEB, 1, 3),
        (MAR, 0, 0),
    ]


def test_goal_score_change_pairs_within_episodes(
    default_measures, municipality, district, higher, add_pathway, goals_of, score
) -> None:
    """Issue 9 item 7: scores from another pathway never pair; a goal first scored in a
    follow-up has that score as its own baseline; an annual review whose (older) goals are
    scored in it counts as asked."""
    patient = PatientFactory(municipality=municipality)
    PatientServiceFactory(patient=patient, unit=district, started_on=date(2024, 1, 1))
    first = add_pathway(district, oslo(2025, 1, 2), patient=patient)
    a, b = goals_of(patient, higher, oslo(2025, 1, 3, 9), 2)
    score(patient, "baseline", oslo(2025, 1, 3, 10), {a: 2, b: 2})
    Pathway.objects.filter(pk=first.pk).update(ended_at=oslo(2025, 1, 20))
    # a new pathway (an annual review), 38 days after the goals were recorded
    add_pathway(district, oslo(2025, 2, 10), start_reason="annual_review", patient=patient)
    score(patient, "baseline", oslo(2025, 2, 11, 10), {a: 6})
    # the first follow-up of this episode: a 6 -> 8 (+2); b is first scored here, so 9 is its
    # baseline here (paired with January's 2 it would make the mean (2 + 7) / 2 = 4.5)
    score(patient, "follow_up", oslo(2025, 2, 20, 10), {a: 8, b: 9})
    [c] = goals_of(patient, higher, oslo(2025, 2, 26, 9), 1)
    score(patient, "follow_up", oslo(2025, 3, 3, 10), {a: 9, b: 9, c: 5})  # not the first
    # January's episode has no follow-up: nothing counted there
    assert counts("what-matters-change", municipality) == [
        (JAN, 0, 0),
        (FEB, pytest.approx(2.0), 1),
        (MAR, 0, 0),
    ]
    # no goal recorded from 30 days before to 14 days after the review's start, but its
    # goals were scored in it: asked
    assert counts("goals-recorded", municipality) == [(JAN, 1, 1), (FEB, 1, 1), (MAR, 0, 0)]
