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
