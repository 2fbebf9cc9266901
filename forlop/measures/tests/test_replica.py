"""The measures on a read replica: ``forlop measures`` and the dashboard read there through the
router, give what the primary gives, and write nothing there (the replica alias of these tests
refuses writes, as a standby does). Transactional: the replica sees committed rows only."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from forlop.core import dbrouter
from forlop.core.audit import audit_chain_verify, audit_record
from forlop.core.dbrouter import REPLICA, replica_reads
from forlop.core.models import AuditEvent, AuditVerb, Role
from forlop.core.tests.replica import replica_alias
from forlop.measures.tests.conftest import AFTER_THE_ROWS

pytestmark = [
    pytest.mark.django_db(transaction=True, databases="__all__"),
    pytest.mark.clock(AFTER_THE_ROWS, tick=False),  # the JSON carries its as-of time
]


@pytest.fixture(scope="module", autouse=True)
def _replica(django_db_setup: None) -> Iterator[None]:
    """The replica alias for the module, there before each test's databases are chosen
    (``databases="__all__"`` then includes it): after the test database exists, so it is a
    second connection to that database."""
    with replica_alias():
        yield


ARGS = ("--org", "testvik", "--from", "2025-01", "--to", "2025-03", "--format", "json")
ARGS = (*ARGS, "--measure", "hph2-within-3-days")  # one measure keeps the test quick


def run() -> str:
    out = io.StringIO()
    call_command("measures", *ARGS, stdout=out)
    return out.getvalue()


def _reads_only(captured: CaptureQueriesContext) -> bool:
    return all(q["sql"].lstrip().upper().startswith(("SELECT", "WITH")) for q in captured)


def test_measures_cli_and_dashboard_read_on_the_replica(
    hph2_two_months, client, district, make_member, monkeypatch
):
    # given the numbers computed on the primary alone (as with no replica configured)
    with monkeypatch.context() as alone:
        alone.setattr(dbrouter, "replica_configured", lambda: False)
        on_primary = run()
    # when the command runs with the replica configured
    with CaptureQueriesContext(connections[REPLICA]) as replica_queries:
        on_replica = run()
    # then it read there, only read, and found the same numbers
    assert len(replica_queries) > 0
    assert _reads_only(replica_queries)
    assert on_replica == on_primary
    assert '"numerator": 1' in on_replica
    # and the dashboard computes its cards there too
    client.force_login(make_member(district, Role.IMPROVEMENT_MEMBER, username="team"))
    with CaptureQueriesContext(connections[REPLICA]) as page_queries:
        response = client.get(reverse("measures:dashboard", args=("municipality", "testvik")))
    assert response.status_code == 200
    assert b'data-testid="measure-hph2-within-3-days"' in response.content
    assert len(page_queries) > 0
    assert _reads_only(page_queries)


def test_an_audit_row_inside_replica_reads_is_written_on_the_primary(db):
    before = AuditEvent.objects.count()
    with replica_reads() as used, CaptureQueriesContext(connections[REPLICA]) as replica:
        # a read-only replica would refuse the insert (and a stale head would fork the chain)
        audit_record(actor=None, verb=AuditVerb.PATIENT_VIEWED, data={"list": []})
    assert used is True
    assert len(replica) == 0
    assert AuditEvent.objects.using(DEFAULT_DB_ALIAS).count() == before + 1
    assert audit_chain_verify().first_broken_id is None
