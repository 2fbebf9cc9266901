"""The seam to the apps above measures: scopes and chart notes come from the registry, so the
measure pages work with nothing registered and with any source that speaks plain values."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from forlop.core.models import Role
from forlop.measures import registry
from forlop.measures.compute import Scope
from forlop.measures.models import ScopeLevel
from forlop.measures.registry import ChartNote
from forlop.measures.tests.conftest import oslo

pytestmark = pytest.mark.django_db

CHART = ("municipality", "testvik", "hph2-within-3-days")


class ListStore:
    """A note store that keeps notes in a list: what measures needs of one, no more."""

    def __init__(self) -> None:
        self.notes: list[tuple[str, str, ChartNote]] = []

    def notes_for(self, *, measure, scope):
        return [note for code, scope_code, note in self.notes if scope_code == scope.code]

    def note_add(self, *, measure, scope, actor, on, text, part_ends_here=False):
        note = ChartNote(date=on, text=text, part_ends_here=part_ends_here)
        self.notes.append((measure.code, scope.code, note))
        return note


class OneScope:
    """A scope source with one aggregate that every user may open."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def scopes_for_user(self, *, user):
        return [self.scope]

    def scope_get_for_user(self, *, user, level, code):
        return self.scope if (level, code) == (self.scope.level, self.scope.code) else None

    def scope_get_by_code(self, *, code):
        return self.scope if code == self.scope.code else None

    def scopes_listed(self):
        return [self.scope]


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(oslo(2025, 3, 15), tick=False):
        yield


@pytest.fixture
def team_member(district, make_member):
    return make_member(district, Role.IMPROVEMENT_MEMBER, username="team")


@pytest.fixture
def data(default_measures, district, add_pathway, add_stop_point):
    p = add_pathway(district, oslo(2025, 1, 2), discharged_at=oslo(2025, 1, 2))
    return add_stop_point(p, "HPH2", oslo(2025, 1, 5))


def test_with_nothing_registered_the_chart_has_no_notes_and_no_network(
    client, data, team_member, monkeypatch
):
    monkeypatch.setattr(registry, "_scope_sources", [])
    monkeypatch.setattr(registry, "_note_stores", [])
    client.force_login(team_member)
    chart = client.get(reverse("measures:chart", args=CHART))
    assert chart.status_code == 200
    assert b'id="annotation-form"' not in chart.content
    assert b'id="annotations"' not in chart.content
    assert b'id="close-form"' in chart.content
    post = client.post(
        reverse("measures:annotate", args=CHART), {"date": "2025-01-10", "text": "Ny rutine"}
    )
    assert post.status_code == 404
    network = client.get(reverse("measures:dashboard", args=("network", "vestfold")))
    assert network.status_code == 404


def test_notes_come_from_the_registered_store(client, data, team_member, monkeypatch):
    store = ListStore()
    monkeypatch.setattr(registry, "_note_stores", [store])
    client.force_login(team_member)
    post = client.post(
        reverse("measures:annotate", args=CHART),
        {"date": "2025-01-10", "text": "Ny rutine", "part_ends_here": "on"},
    )
    assert post.status_code == 302
    assert store.notes == [
        ("hph2-within-3-days", "testvik", ChartNote(date(2025, 1, 10), "Ny rutine", True))
    ]
    chart = client.get(reverse("measures:chart", args=CHART))
    assert chart.content.count(b'class="spc-annotation"') == 1
    assert b"Ny rutine" in chart.content


def test_a_registered_scope_across_organisations_is_aggregated_and_read_only(
    client, data, team_member, municipality, monkeypatch
):
    scope = Scope(
        level=ScopeLevel.NETWORK,
        code="region",
        name="Region",
        ids=(municipality.pk,),
        across_organisations=True,
    )
    monkeypatch.setattr(registry, "_scope_sources", [OneScope(scope)])
    client.force_login(team_member)
    index = client.get(reverse("measures:index"))
    assert b'data-testid="scope-network-region"' in index.content
    chart = client.get(reverse("measures:chart", args=("network", "region", CHART[2])))
    assert chart.status_code == 200
    assert b'id="suppression-note"' in chart.content  # one case in January: suppressed
    assert b'id="annotation-form"' not in chart.content
