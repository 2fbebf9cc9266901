"""Pathway selectors: adherence (on time, late, missed; which stop points count)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.utils import translation

from forlop.core.models import Role, Unit, User
from forlop.pathways import selectors
from forlop.pathways.tests.factories import (
    PathwayFactory,
    StopPointDefinitionFactory,
    StopPointFactory,
    TemplateVersionFactory,
    oslo,
)
from forlop.pathways.tests.helpers import served_patient
from forlop.patients.models import Patient


@pytest.mark.django_db
def test_adherence_counts_the_stop_points_an_event_starts_but_not_the_daily_plan(
    patient: Patient, district: Unit, nurse: User
) -> None:
    # given HPH4 after a fall (done within its hours), HPH6 at an admission (missed), and the
    # daily care plan (not in the chain, started with the pathway)
    version = TemplateVersionFactory()
    event = {"in_chain": False, "repeats": True, "trigger": "event", "anchor": "event"}
    hph4 = StopPointDefinitionFactory(version=version, code="HPH4", title="Fall", **event)
    hph6 = StopPointDefinitionFactory(version=version, code="HPH6", title="Rapport", **event)
    daily = StopPointDefinitionFactory(
        version=version, code="DAILY", title="Tiltaksplan", in_chain=False, repeats=True
    )
    pathway = PathwayFactory(patient=patient, unit=district, version=version)
    StopPointFactory(
        pathway=pathway,
        definition=hph4,
        occurrence=1,
        due_at=oslo(2026, 3, 10, 18),
        due_all_day=False,
        completed_at=oslo(2026, 3, 10, 15),
        completed_by=nurse,
    )
    StopPointFactory(
        pathway=pathway,
        definition=hph6,
        occurrence=1,
        due_at=oslo(2026, 3, 12, 13),
        due_all_day=False,
    )
    StopPointFactory(pathway=pathway, definition=daily, occurrence=1, due_at=oslo(2026, 3, 5))

    # when the leader's view counts March
    rows = selectors.adherence(
        units=[district],
        date_from=date(2026, 3, 1),
        date_to=date(2026, 3, 31),
        now=oslo(2026, 3, 25),
    )

    # then HPH4 and HPH6 have their rows, and the daily plan has none
    assert [(r.label, r.n_due, r.n_on_time, r.n_missed) for r in rows] == [
        ("HPH4 Fall", 1, 1, 0),
        ("HPH6 Rapport", 1, 0, 1),
    ]
    behind = selectors.adherence_stop_points(
        units=[district],
        date_from=date(2026, 3, 1),
        date_to=date(2026, 3, 31),
        now=oslo(2026, 3, 25),
        status="missed",
        code="HPH6",
    )
    assert [sp.definition.code for sp in behind] == ["HPH6"]


@pytest.mark.django_db
def test_adherence_counts_on_time_late_and_missed(
    patient: Patient,
    district: Unit,
    other_district: Unit,
    nurse: User,
    make_member: Callable[..., User],
) -> None:
    # given: deadlines in March 2026 (and one in April, outside the period)
    colleague = make_member(district, Role.PRIMARY_CONTACT, first_name="Kari", last_name="Kollega")
    version = TemplateVersionFactory()
    a = StopPointDefinitionFactory(version=version, code="A", title="Kartlegging")
    b = StopPointDefinitionFactory(version=version, code="B", title="Legebesøk")
    side = StopPointDefinitionFactory(version=version, code="S", title="Tillegg", in_chain=False)
    north = PathwayFactory(patient=patient, unit=district, version=version)
    south = PathwayFactory(
        patient=served_patient(other_district), unit=other_district, version=version
    )
    make = StopPointFactory
    # A, north: on time (done on the due date at 23:59), late, missed, not relevant, interrupted
    make(
        pathway=north,
        definition=a,
        occurrence=1,
        due_at=oslo(2026, 3, 5),
        completed_at=oslo(2026, 3, 5, 23, 59),
        completed_by=nurse,
    )
    make(
        pathway=north,
        definition=a,
        occurrence=2,
        due_at=oslo(2026, 3, 5),
        completed_at=oslo(2026, 3, 6),
        completed_by=colleague,
    )
    make(pathway=north, definition=a, occurrence=3, due_at=oslo(2026, 3, 5), assignee=colleague)
    make(
        pathway=north,
        definition=a,
        occurrence=4,
        due_at=oslo(2026, 3, 5),
        not_relevant_at=oslo(2026, 3, 4),
        not_relevant_reason="x",
    )
    make(
        pathway=north,
        definition=a,
        occurrence=5,
        due_at=oslo(2026, 3, 5),
        interrupted_at=oslo(2026, 3, 4),
    )
    # B, south: an hours deadline met to the minute, one pending (deadline not passed yet)
    make(
        pathway=south,
        definition=b,
        occurrence=1,
        due_at=oslo(2026, 3, 20, 12),
        due_all_day=False,
        completed_at=oslo(2026, 3, 20, 12),
        completed_by=nurse,
    )
    make(pathway=south, definition=b, occurrence=2, due_at=oslo(2026, 3, 31))
    # not counted: outside the period, and not a main checklist
    make(pathway=south, definition=b, occurrence=3, due_at=oslo(2026, 4, 1))
    make(pathway=north, definition=side, occurrence=1, due_at=oslo(2026, 3, 5))
    now = oslo(2026, 3, 25, 12)
    units = [district, other_district]

    # when
    by_definition = selectors.adherence(
        units=units, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31), now=now
    )
    by_unit = selectors.adherence(
        units=units, date_from=date(2026, 3, 1), date_to=date(2026, 3, 31), now=now, by="unit"
    )
    with translation.override("en"):  # the "Nobody assigned" label is translated
        by_employee = selectors.adherence(
            units=units,
            date_from=date(2026, 3, 1),
            date_to=date(2026, 3, 31),
            now=now,
            by="employee",
        )

    # then
    def table(rows: list[selectors.AdherenceRow]) -> list[tuple[Any, ...]]:
        return [
            (r.label, r.n_due, r.n_on_time, r.n_late, r.n_missed, r.n_pending, r.share_on_time)
            for r in rows
        ]

    assert table(by_definition) == [
        ("A Kartlegging", 3, 1, 1, 1, 0, pytest.approx(1 / 3)),
        ("B Legebesøk", 2, 1, 0, 0, 1, 1.0),
    ]
    # not relevant and interrupted are left out of the share and shown beside it (issue 9)
    assert [(r.label, r.n_interrupted, r.n_not_relevant) for r in by_definition] == [
        ("A Kartlegging", 1, 1),
        ("B Legebesøk", 0, 0),
    ]
    assert table(by_unit) == [
        ("Hjemmetjenesten nord", 3, 1, 1, 1, 0, pytest.approx(1 / 3)),
        ("Hjemmetjenesten sør", 2, 1, 0, 0, 1, 1.0),
    ]
    assert table(by_employee) == [
        ("Kari Kollega", 2, 0, 1, 1, 0, 0.0),
        ("Nina Nord", 2, 2, 0, 0, 0, 1.0),
        ("Nobody assigned", 1, 0, 0, 0, 1, None),
    ]
    assert (
        table(
            selectors.adherence(
                units=[district], date_from=date(2026, 3, 6), date_to=date(2026, 3, 31), now=now
            )
        )
        == []
    )
