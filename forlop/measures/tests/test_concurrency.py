"""Closing the same measure period from 20 threads at once: one snapshot, and a clear conflict
for the others, never a 500 (issue 11, defect 8). On PostgreSQL, where threads really race."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from forlop.core.models import Role
from forlop.measures import services
from forlop.measures.compute import Scope
from forlop.measures.models import Measure, MeasureSnapshot
from forlop.measures.tests.conftest import oslo

THREADS = 20


@pytest.fixture
def data(default_measures, district, add_pathway, add_stop_point):
    p = add_pathway(district, oslo(2025, 1, 2), discharged_at=oslo(2025, 1, 2))
    return add_stop_point(p, "HPH2", oslo(2025, 1, 5))


@pytest.mark.django_db(transaction=True)
def test_twenty_threads_closing_one_period_store_one_snapshot(data, municipality):
    if connection.vendor != "postgresql":
        pytest.skip("threads share one SQLite test database; the race is real on PostgreSQL")
    measure = Measure.objects.get(code="hph2-within-3-days", organisation__isnull=True)
    scope = Scope("municipality", municipality.code, municipality.name, (municipality.pk,))
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def close() -> None:
        try:
            start.wait(timeout=30)
            try:
                services.period_close(
                    measure=measure, scope=scope, period_start=oslo(2025, 1, 1).date(), actor=None
                )
                outcome = "closed"
            except services.PeriodAlreadyClosed as exc:
                outcome = f"conflict:{exc.snapshot.pk}"
            except Exception as exc:
                outcome = f"error:{type(exc).__name__}"
            with lock:
                outcomes.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=close) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    snapshot = MeasureSnapshot.objects.get()
    assert sorted(outcomes) == ["closed"] + [f"conflict:{snapshot.pk}"] * (THREADS - 1)


@pytest.mark.django_db
def test_closing_a_closed_period_answers_409_and_keeps_the_first_numbers(
    client, data, district, make_member
):
    member = make_member(district, Role.IMPROVEMENT_MEMBER)
    client.force_login(member)
    url = reverse("measures:close", args=("municipality", "testvik", "hph2-within-3-days"))
    assert client.post(url, {"period_start": "2025-01-01"}).status_code == 302
    first = MeasureSnapshot.objects.get()
    response = client.post(url, {"period_start": "2025-01-01"})
    assert response.status_code == 409
    assert "allerede låst" in response.content.decode()
    assert list(MeasureSnapshot.objects.values_list("pk", flat=True)) == [first.pk]
