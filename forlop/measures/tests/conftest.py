"""Measure fixtures: the HPH template, the default measures and builders for pathway rows
with known outcomes (times in Europe/Oslo; ``created_at`` set explicitly for as-of tests)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from forlop.authoring.defaults import install_national_defaults
from forlop.core.models import Organisation, Unit
from forlop.measures.definitions import install_default_measures
from forlop.pathways.models import Pathway, PathwayEvent, StopPoint, TemplateVersion
from forlop.patients.tests.factories import PatientFactory

OSLO = ZoneInfo("Europe/Oslo")

# For tests that render a page over rows with fixed dates in the first quarter of 2025: the pages
# show "the last ended months before today", so the clock is set to a day after those rows
# (``pytest.mark.clock``, root conftest) or the rows fall out of the window as the real clock moves.
AFTER_THE_ROWS = "2025-04-15T10:00:00+02:00"


def oslo(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=OSLO)


@pytest.fixture
def hph_version(db: None) -> TemplateVersion:
    templates = install_national_defaults()
    return templates["hph"].versions.get(status=TemplateVersion.Status.PUBLISHED, number=1)


@pytest.fixture
def default_measures(db: None) -> None:
    install_default_measures()


@pytest.fixture
def add_pathway(hph_version: TemplateVersion) -> Callable[..., Pathway]:
    def add(
        unit: Unit,
        started_at: datetime,
        *,
        start_reason: str = Pathway.StartReason.DISCHARGE,
        discharged_at: datetime | None = None,
        created_at: datetime | None = None,
        patient: Any = None,
    ) -> Pathway:
        patient = patient or PatientFactory(municipality=unit.organisation)
        pathway = Pathway.objects.create(
            patient=patient,
            version=hph_version,
            unit=unit,
            start_reason=start_reason,
            started_at=started_at,
            discharged_at=discharged_at,
            arrived_home_at=started_at,
        )
        Pathway.objects.filter(pk=pathway.pk).update(created_at=created_at or started_at)
        pathway.refresh_from_db()
        return pathway

    return add


@pytest.fixture
def add_stop_point(hph_version: TemplateVersion) -> Callable[..., StopPoint]:
    def add(
        pathway: Pathway,
        code: str,
        due_at: datetime,
        *,
        ends_at: datetime | None = None,
        triggered_at: datetime | None = None,
        completed_at: datetime | None = None,
        not_relevant_at: datetime | None = None,
        interrupted_at: datetime | None = None,
        occurrence: int = 1,
    ) -> StopPoint:
        triggered = triggered_at or pathway.started_at
        stop_point = StopPoint.objects.create(
            pathway=pathway,
            definition=hph_version.definitions.get(code=code),
            occurrence=occurrence,
            triggered_at=triggered,
            opens_at=triggered,
            due_at=due_at,
            ends_at=ends_at or due_at + timedelta(days=1),
            completed_at=completed_at,
            not_relevant_at=not_relevant_at,
            not_relevant_reason="Ikke aktuelt" if not_relevant_at else "",
            interrupted_at=interrupted_at,
        )
        StopPoint.objects.filter(pk=stop_point.pk).update(created_at=triggered)
        return stop_point

    return add


@pytest.fixture
def add_admission() -> Callable[..., PathwayEvent]:
    def add(pathway: Pathway, occurred_at: datetime) -> PathwayEvent:
        event = PathwayEvent.objects.create(
            patient=pathway.patient,
            pathway=pathway,
            kind="admission",
            occurred_at=occurred_at,
        )
        PathwayEvent.objects.filter(pk=event.pk).update(created_at=occurred_at)
        return event

    return add


@pytest.fixture
def other_unit(other_municipality: Organisation) -> Unit:
    return Unit.objects.create(
        organisation=other_municipality, kind=Unit.Kind.HOME_CARE, name="Andre", code="andre-1"
    )


@pytest.fixture
def hph2_two_months(default_measures, district, add_pathway, add_stop_point):
    """Two HPH2s in the district: January's done on time, February's open (the CLI's and the
    replica's tests read the same two months)."""
    p = add_pathway(district, oslo(2025, 1, 2), discharged_at=oslo(2025, 1, 2))
    add_stop_point(p, "HPH2", oslo(2025, 1, 5), completed_at=oslo(2025, 1, 4))
    q = add_pathway(district, oslo(2025, 2, 2), discharged_at=oslo(2025, 2, 2))
    add_stop_point(q, "HPH2", oslo(2025, 2, 5))
