"""The shared test clock (``pytest.mark.clock`` in the root conftest) and the default language."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone, translation


@pytest.mark.clock("2025-04-15T10:00:00+02:00")
def test_the_marker_sets_the_clock_and_it_runs_on(clock):
    assert clock is not None
    assert timezone.localdate() == date(2025, 4, 15)
    start = timezone.now()
    assert (
        datetime(2025, 4, 15, 8, 0, tzinfo=UTC) <= start < datetime(2025, 4, 15, 8, 1, tzinfo=UTC)
    )


@pytest.mark.clock("2025-04-15T10:00:00+02:00", tick=False)
def test_a_stopped_clock_moves_only_when_told(clock):
    assert timezone.now() == datetime(2025, 4, 15, 8, 0, tzinfo=UTC)
    clock.shift(timedelta(days=1))
    assert timezone.now() == datetime(2025, 4, 16, 8, 0, tzinfo=UTC)


def test_an_unmarked_test_has_the_real_clock(clock):
    assert clock is None
    assert timezone.now().year >= 2026


@pytest.mark.parametrize("language", ["en", "nb"])
def test_every_test_starts_in_the_default_language(language):
    assert translation.get_language() == "nb"
    translation.activate(language)  # left active on purpose: the next test must not see it


@pytest.mark.django_db
def test_the_database_server_shares_the_clock():
    """make test-future runs the PostgreSQL server under the shifted clock too (scripts/test.sh)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs in this process: one clock by construction")
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        (server_now,) = cursor.fetchone()
    assert abs(server_now - timezone.now()) < timedelta(minutes=5)
