"""The migration-move helper notices what it must: a lost row, a changed value, a renamed
table that is not declared, and nothing when the data is the same."""

from __future__ import annotations

import pytest

from forlop.core.models import Organisation
from forlop.core.tests.factories import OrganisationFactory
from forlop.core.tests.migration_moves import TableState, _differences, database_state

pytestmark = pytest.mark.django_db


def test_the_state_changes_with_a_value_and_with_a_row():
    org = OrganisationFactory(name="Testvik kommune", code="testvik")
    first = database_state()
    assert first == database_state()
    Organisation.objects.filter(pk=org.pk).update(name="Testvik")
    changed = database_state()
    assert changed["core_organisation"].rows == first["core_organisation"].rows
    assert changed["core_organisation"].digest != first["core_organisation"].digest
    assert _differences(first, changed, renames={}, count_only=()) == [
        "core_organisation: same row count, different content"
    ]
    assert _differences(first, changed, renames={}, count_only=["core_organisation"]) == []
    OrganisationFactory(code="andre")
    grown = database_state()
    assert _differences(changed, grown, renames={}, count_only=()) == [
        "core_organisation: 1 rows expected, 2 found"
    ]


def test_renamed_tables_are_compared_under_their_old_names():
    same = TableState(rows=2, digest="abc")
    after = {"new_table": same, "kept": TableState(rows=0, digest="e")}
    before = {"old_table": same, "kept": TableState(rows=0, digest="e")}
    assert _differences(after, before, renames={"new_table": "old_table"}, count_only=()) == []
    assert _differences(after, before, renames={}, count_only=()) == [
        "new_table: missing table",
        "old_table: unexpected table",
    ]
