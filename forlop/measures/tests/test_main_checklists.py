"""The trial's measure (patients who got at least 3 of the 4 main checklists), its 0-4
distribution, and every status side by side: exact values from known rows, one aggregate
query each, and the chart page in Norwegian."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from forlop.core.models import Role
from forlop.measures.compute import (
    compute_counts,
    compute_main_checklist_distribution,
    compute_statuses_by_stop_point,
)
from forlop.measures.models import Measure
from forlop.measures.selectors import scope_for_organisation
from forlop.measures.tests.conftest import oslo

pytestmark = pytest.mark.django_db

JAN, FEB = date(2025, 1, 1), date(2025, 2, 1)
AS_OF = oslo(2025, 3, 1)


def _main(add_stop_point, pathway, done: dict[str, bool], **extra):
    """HPH0, HPH2, HPH3, HPH5 of a pathway started in January, done as ``done`` says."""
    days = {"HPH0": 1, "HPH2": 5, "HPH3": 16, "HPH5": 30}
    for code, day in days.items():
        due = oslo(2025, 1, day)
        options = extra.get(code, {})
        add_stop_point(
            pathway,
            code,
            due,
            completed_at=due if done.get(code) else None,
            **options,
        )


@pytest.fixture
def known(default_measures, district, other_unit, add_pathway, add_stop_point):
    yes = dict.fromkeys(("HPH0", "HPH2", "HPH3", "HPH5"), True)
    # 4 of 4
    _main(add_stop_point, add_pathway(district, oslo(2025, 1, 1, 9)), yes)
    # 3 of 4: HPH3 missed
    _main(add_stop_point, add_pathway(district, oslo(2025, 1, 1, 9)), {**yes, "HPH3": False})
    # 2 of 4: HPH5 interrupted by an admission before its deadline (counts as not done)
    _main(
        add_stop_point,
        add_pathway(district, oslo(2025, 1, 1, 9)),
        {"HPH0": True, "HPH2": True},
        HPH5={"interrupted_at": oslo(2025, 1, 20)},
    )
    # 1 of 4: HPH3 not relevant, HPH2 and HPH5 missed
    _main(
        add_stop_point,
        add_pathway(district, oslo(2025, 1, 1, 9)),
        {"HPH0": True},
        HPH3={"not_relevant_at": oslo(2025, 1, 10)},
    )
    # Not settled: HPH5 still open before its deadline as of AS_OF (left out)
    pending = add_pathway(district, oslo(2025, 1, 25, 9))
    for code, due in (("HPH0", oslo(2025, 1, 26)), ("HPH2", oslo(2025, 1, 29))):
        add_stop_point(pending, code, due, completed_at=due)
    add_stop_point(pending, "HPH3", oslo(2025, 2, 8), completed_at=oslo(2025, 2, 8))
    add_stop_point(pending, "HPH5", oslo(2025, 3, 10))
    # Not settled: only HPH0 planned so far (still in hospital), no arrival home yet
    in_hospital = add_pathway(district, oslo(2025, 1, 28, 9))
    add_stop_point(in_hospital, "HPH0", oslo(2025, 1, 29))
    # Another municipality: not in scope
    _main(add_stop_point, add_pathway(other_unit, oslo(2025, 1, 1, 9)), yes)


def test_the_measure_counts_settled_patients_with_3_of_4(
    known, municipality, django_assert_num_queries
):
    measure = Measure.objects.get(code="main-checklists-3-of-4")
    scope = scope_for_organisation(municipality)
    with django_assert_num_queries(1):
        counts = compute_counts(measure, scope=scope, first=JAN, last=FEB, as_of=AS_OF)
    assert [(c.period_start, c.numerator, c.denominator) for c in counts] == [
        (JAN, 2.0, 4.0),
        (FEB, 0.0, 0.0),
    ]
    # As of a time before any checklist was done, the same patients got none.
    early = compute_counts(measure, scope=scope, first=JAN, last=JAN, as_of=oslo(2025, 1, 1, 10))
    assert (early[0].numerator, early[0].denominator) == (0.0, 0.0)  # nothing settled yet


def test_the_distribution_shows_0_to_4(known, municipality, django_assert_num_queries):
    scope = scope_for_organisation(municipality)
    with django_assert_num_queries(2):
        found = compute_main_checklist_distribution(scope=scope, first=JAN, last=JAN, as_of=AS_OF)
    assert found == {0: 0, 1: 1, 2: 1, 3: 1, 4: 1}


def test_every_status_side_by_side(known, municipality, django_assert_num_queries):
    scope = scope_for_organisation(municipality)
    with django_assert_num_queries(2):
        rows = compute_statuses_by_stop_point(scope=scope, first=JAN, last=FEB, as_of=AS_OF)
    as_tuples = [
        (r.code, r.on_time, r.late, r.missed, r.interrupted, r.not_relevant, r.open) for r in rows
    ]
    assert as_tuples == [
        ("HPH0", 5, 0, 1, 0, 0, 0),  # the one still in hospital missed its HPH0
        ("HPH2", 4, 0, 1, 0, 0, 0),
        ("HPH3", 2, 0, 2, 0, 1, 0),
        ("HPH5", 2, 0, 1, 1, 0, 0),  # the pending one's HPH5 falls due in March
    ]
    hph3 = rows[2]
    assert hph3.due == 4  # the not relevant one is beside the denominator, not in it
    assert hph3.reasons == (("Ikke aktuelt", 1),)


def test_the_pages_show_the_distribution_and_the_statuses(client, known, district, make_member):
    client.force_login(make_member(district, Role.UNIT_LEADER, username="boss"))
    with time_machine.travel(AS_OF, tick=False):
        _pages(client, district)


def _pages(client, district) -> None:
    dashboard = client.get(reverse("measures:dashboard", args=("unit", district.code)))
    assert "Pasienter som fikk minst 3 av de 4 hovedsjekklistene" in dashboard.content.decode()
    response = client.get(
        reverse("measures:chart", args=("unit", district.code, "main-checklists-3-of-4"))
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Hvor mange av hovedsjekklistene hver pasient fikk" in page
    for done in range(5):
        assert f'data-testid="distribution-{done}"' in page
    assert f"{4} av 4" in page
    assert 'id="statuses"' not in page
    response = client.get(
        reverse("measures:chart", args=("unit", district.code, "hph2-within-3-days"))
    )
    page = response.content.decode()
    assert "side om side</h2>" in page  # the heading, in Norwegian
    assert 'data-testid="statuses-HPH2"' in page
    assert "Avbrutt" in page
    assert "Ikke aktuelt" in page
    assert "Utført for sent" in page
