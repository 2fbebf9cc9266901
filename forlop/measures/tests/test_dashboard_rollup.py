"""The dashboard (and its downloads) read the maintained rollup when it is fresh, and compute
live when it is not: the page says as of when its figures are."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from forlop.core.models import Role
from forlop.core.tz import OSLO
from forlop.measures.models import MeasureRollup
from forlop.measures.rollup import rollup_rebuild, rollup_window
from forlop.measures.tests.conftest import oslo
from forlop.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 4, 15, 10, 0, tzinfo=OSLO)
SCOPE = ("municipality", "testvik")
MEASURE = "hph2-within-3-days"


@pytest.fixture
def team_member(district, make_member):
    return make_member(district, Role.IMPROVEMENT_MEMBER, username="team")


@pytest.fixture
def pathway_in_january(default_measures, district, add_pathway, add_stop_point):
    def add(on_time: bool):
        patient = PatientFactory(municipality=district.organisation)
        p = add_pathway(district, oslo(2025, 1, 2), discharged_at=oslo(2025, 1, 2), patient=patient)
        done = oslo(2025, 1, 4) if on_time else oslo(2025, 1, 20)
        return add_stop_point(p, "HPH2", oslo(2025, 1, 5), completed_at=done)

    return add


def _exported(client) -> dict[str, dict]:
    url = reverse("measures:dashboard-export", args=(*SCOPE, "json"))
    return {series["measure"]: series for series in json.loads(client.get(url).content)}


def _cases(series: dict) -> float:
    """The series' cases over its window (the rows' denominators)."""
    return sum(row["denominator"] or 0 for row in series["rows"])


def _rebuild(at: datetime) -> None:
    first, last = rollup_window(today=at.astimezone(OSLO).date())
    rollup_rebuild(first=first, last=last, as_of=at)


def test_a_fresh_rollup_serves_the_dashboard_and_its_download_as_of_its_refresh(
    client, team_member, pathway_in_january, settings
):
    with time_machine.travel(NOW, tick=False):
        pathway_in_january(on_time=True)
        _rebuild(NOW - timedelta(minutes=5))
        # a stop point written after the refresh (around the services: the rollup cannot know)
        pathway_in_january(on_time=False)
        client.force_login(team_member)
        page = client.get(reverse("measures:dashboard", args=SCOPE)).content.decode()
        read = _exported(client)
        settings.FORLOP_MEASURES_ROLLUP_MAX_AGE = 0
        live = _exported(client)
    # the page and its download: as of the refresh, without the later stop point
    assert 'data-testid="figures-as-of"' in page
    assert "15.04.2025 09:55" in page
    assert _at(read[MEASURE]) == NOW - timedelta(minutes=5)
    assert _cases(read[MEASURE]) == 1
    # live (max age 0): as of now, with it
    assert _at(live[MEASURE]) == NOW
    assert _cases(live[MEASURE]) == 2
    # every shipped computed measure came from the rollup; nothing else differs in kind
    assert {_at(s) for s in read.values() if s["measure"] in _held()} == {
        NOW - timedelta(minutes=5)
    }


def _at(series: dict) -> datetime:
    return datetime.fromisoformat(series["as_of"])


def _held() -> set[str]:
    return set(MeasureRollup.objects.values_list("measure__code", flat=True))


def test_a_rollup_older_than_the_max_age_is_not_read(
    client, team_member, pathway_in_january, settings
):
    settings.FORLOP_MEASURES_ROLLUP_MAX_AGE = 900
    with time_machine.travel(NOW, tick=False):
        pathway_in_january(on_time=True)
        _rebuild(NOW - timedelta(minutes=16))
        pathway_in_january(on_time=False)
        client.force_login(team_member)
        found = _exported(client)[MEASURE]
        page = client.get(reverse("measures:dashboard", args=SCOPE)).content.decode()
    assert _at(found) == NOW
    assert _cases(found) == 2
    assert "15.04.2025 10:00" in page


def test_a_period_closed_after_the_refresh_is_shown_live(
    client, team_member, pathway_in_january, make_member, district
):
    """The closed period's snapshot is newer than the rollup's numbers: compared with them,
    the page would show a correction that is not there."""
    leader = make_member(district, Role.UNIT_LEADER, username="leder")
    with time_machine.travel(NOW, tick=False):
        pathway_in_january(on_time=True)
        _rebuild(NOW - timedelta(minutes=5))
        pathway_in_january(on_time=False)
        client.force_login(leader)
        close = reverse("measures:close", args=(*SCOPE, MEASURE))
        assert client.post(close, {"period_start": "2025-01-01"}).status_code == 302
        found = _exported(client)
    assert _at(found[MEASURE]) == NOW
    assert _cases(found[MEASURE]) == 2
    others = [s for code, s in found.items() if code != MEASURE and code in _held()]
    assert others
    assert all(_at(s) == NOW - timedelta(minutes=5) for s in others)
