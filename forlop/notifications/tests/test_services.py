"""The scheduler's events and the leaders' summary: who is told of a start and an admission,
exactly once, and what the weekly e-mail counts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from forlop.core.models import Role, Unit, User
from forlop.notifications import messages, selectors, services
from forlop.notifications.models import Notification
from forlop.notifications.tests.conftest import HOME
from forlop.pathways import selectors as pathway_selectors
from forlop.pathways import services as pathway_services
from forlop.pathways.models import StopPoint
from forlop.pathways.tests.factories import oslo
from forlop.patients.tests.factories import PatientFactory, PatientServiceFactory

pytestmark = pytest.mark.django_db


def test_a_start_tells_the_gp_and_an_admission_the_primary_contact_and_allocation_office(
    start_hph: Any, patient: Any, district: Any, nurse: User, municipality: Any, make_member: Any
) -> None:
    # given the patient's GP, and the allocation office serving the patient too
    office = Unit.objects.create(
        organisation=municipality, kind=Unit.Kind.ALLOCATION_OFFICE, name="Tildeling", code="tv-t"
    )
    allocation = make_member(office, Role.ALLOCATION_OFFICE, username="tildeling")
    PatientServiceFactory(patient=patient, unit=office)
    gp = make_member(office, Role.GP, username="gp")
    patient.gp = gp
    patient.save(update_fields=["gp"])
    pathway = start_hph(patient, district, nurse, at=HOME, now=HOME)

    # when the scheduler runs after the start, twice
    for _ in range(2):
        services.notifications_generate(now=oslo(2026, 3, 9, 10, 5))
    # then the GP is told once that a visit is expected
    started = Notification.objects.filter(trigger="pathway_started")
    assert list(started.values_list("recipient__username", "subject")) == [
        ("gp", f"pathway:{pathway.pk}")
    ]

    # when the patient is admitted on Tuesday and the scheduler runs
    admitted_at = oslo(2026, 3, 10, 8)
    event = pathway_services.event_record(
        actor=nurse,
        patient=patient,
        kind="admission",
        occurred_at=admitted_at,
        now=oslo(2026, 3, 10, 8, 30),
    )
    services.notifications_generate(now=oslo(2026, 3, 10, 8, 31))
    services.notifications_generate(now=oslo(2026, 3, 10, 8, 32))
    # then the primary contact and the allocation office, once each
    assert sorted(
        Notification.objects.filter(trigger="admitted").values_list(
            "recipient__username", "subject"
        )
    ) == [("nurse", f"event:{event.pk}"), ("tildeling", f"event:{event.pk}")]
    # the admission once; the office's own HPH0 and HPH1 fell due before the return home the
    # pathway was started at, so they are overdue reminders of their own
    assert sorted(allocation.notifications.values_list("trigger", flat=True)) == [
        "admitted",
        "overdue",
        "overdue",
    ]
    assert sorted(
        StopPoint.objects.filter(
            pk__in=[
                int(s.split(":")[1])
                for s in allocation.notifications.filter(trigger="overdue").values_list(
                    "subject", flat=True
                )
            ]
        ).values_list("definition__code", flat=True)
    ) == ["HPH0", "HPH1"]


def test_the_weekly_summary_counts_overdue_per_employee(
    start_hph: Any, patient: Any, district: Any, nurse: User, leader: User
) -> None:
    start_hph(patient, district, nurse, at=HOME, now=HOME)
    # Monday 16 March: HPH2 (Thursday 12th) and the daily care plans are overdue
    summary = selectors.weekly_summary(user=leader, now=oslo(2026, 3, 16, 9))
    assert (summary.week_start.isoformat(), summary.week_end.isoformat()) == (
        "2026-03-09",
        "2026-03-15",
    )
    assert (summary.month_start.isoformat(), summary.month_end.isoformat()) == (
        "2026-02-01",
        "2026-02-28",
    )
    overdue = {row.person: row.overdue for row in summary.overdue}
    assert overdue["Nina Nord"] >= 2
    counts = summary.counts()
    assert counts.week == "2026-W11"
    assert counts.overdue == sum(overdue.values())
    subject, body = messages.weekly_message(counts)
    assert subject == "Forløp: ukens oppsummering (2026-W11)"
    assert "Nina" not in body
    assert "Astrid" not in body
    assert f"{counts.overdue} stoppunkter er forfalt nå" in body


def test_the_weekly_summary_counts_three_of_the_four_main_checklists(
    start_hph: Any, municipality: Any, district: Any, nurse: User, leader: User
) -> None:
    def pathway(at: Any, done: tuple[str, ...]) -> None:
        patient = PatientFactory(municipality=municipality)
        PatientServiceFactory(patient=patient, unit=district)
        started = start_hph(patient, district, nurse, at=at, now=at)
        StopPoint.objects.filter(pathway=started, definition__code__in=done).update(
            completed_at=at + timedelta(days=1)
        )

    # given three chains that ended last week (HPH5, four weeks after home on 9 March, was due
    # on Monday 6 April) and one that ended in March (home on 2 February)
    # (the main checklists are the template's: HPH0, HPH2, HPH3 and HPH5)
    pathway(HOME, ("HPH0", "HPH2", "HPH3"))  # 3 of 4: met
    pathway(HOME, ("HPH0", "HPH2", "HPH3", "HPH5"))  # 4 of 4: met
    pathway(HOME, ("HPH1", "HPH2", "HPH5", "HPH4"))  # 2 of the 4 (HPH1, HPH4 are not): not met
    pathway(oslo(2026, 2, 2, 10), ("HPH2",))  # 1 of 4: not met

    # when the leader's summary is made on Monday 13 April
    summary = selectors.weekly_summary(user=leader, now=oslo(2026, 4, 13, 9))

    # then 2 of the 3 last week, 0 of 1 last month, and the e-mail says it in shares only
    assert (summary.week_start.isoformat(), summary.month_start.isoformat()) == (
        "2026-04-06",
        "2026-03-01",
    )
    assert summary.three_of_four_week == pathway_selectors.ChainCompleteness(3, 2)
    assert summary.three_of_four_last_month == pathway_selectors.ChainCompleteness(1, 0)
    counts = summary.counts()
    assert (counts.three_of_four_percent, counts.three_of_four_last_month_percent) == (67, 0)
    _subject, body = messages.weekly_message(counts)
    assert (
        "Forløp med minst 3 av de 4 hovedsjekklistene, av dem som ble avsluttet forrige uke: "
        "67 % (forrige måned: 0 %)." in body
    )
