import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_suite_runs_on_the_database_it_was_asked_for() -> None:
    # given the test script says which database this pass is for
    expected = os.environ.get("FORLOP_EXPECT_DB")
    if expected is None:
        pytest.skip("FORLOP_EXPECT_DB is set by scripts/test.sh; a bare pytest run may use either")
    # then the suite did not silently fall back to another one
    assert connection.vendor == expected


@pytest.mark.django_db
def test_postgresql_stops_runaway_queries_in_tests() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("statement_timeout is a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "1min"


@pytest.mark.django_db
def test_postgresql_jit_is_off() -> None:
    """The measures' correlated subqueries made PostgreSQL JIT-compile their plans, which took
    most of their time (docs/benchmarks.md): the application's connections turn JIT off."""
    if connection.vendor != "postgresql":
        pytest.skip("jit is a PostgreSQL setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
