"""The read-replica router's decisions (forlop/core/dbrouter.py): reads inside
``replica_reads()`` on the replica when one is configured; writes, the audit chain, sessions,
reads inside a transaction and migrations on default; no replica, Django's own answers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.sessions.models import Session
from django.db import DEFAULT_DB_ALIAS, connections, router

from forlop.core import dbrouter
from forlop.core.dbrouter import REPLICA, replica_reads
from forlop.core.models import AuditEvent, Organisation
from forlop.core.tests.replica import replica_alias, unreachable_replica
from forlop.measures.models import Measure
from forlop.pathways.models import Pathway, StopPoint


@pytest.fixture
def configured() -> Iterator[None]:
    """A replica alias (never connected to in these tests)."""
    with replica_alias():
        yield


@pytest.fixture
def inside() -> Iterator[None]:
    """As inside ``replica_reads()`` once it found the replica reachable."""
    token = dbrouter._replica_reads.set(True)
    yield
    dbrouter._replica_reads.reset(token)


def test_the_router_is_installed() -> None:
    from django.conf import settings

    assert settings.DATABASE_ROUTERS == ["forlop.core.dbrouter.ReplicaRouter"]


def test_without_a_replica_everything_is_on_default(inside: None) -> None:
    # given no DATABASE_REPLICA_URL (the CI case), even inside replica_reads()
    if dbrouter.replica_configured():
        pytest.skip("this run has DATABASE_REPLICA_URL")
    rule = dbrouter.ReplicaRouter()
    # then the router has no opinion (Django's default: one database) ...
    assert rule.db_for_read(StopPoint) is None
    assert rule.db_for_write(StopPoint) is None
    assert rule.allow_migrate(DEFAULT_DB_ALIAS, "pathways") is None
    # ... and Django answers default for all of it
    assert router.db_for_read(Measure) == DEFAULT_DB_ALIAS
    assert router.db_for_write(AuditEvent) == DEFAULT_DB_ALIAS
    with replica_reads() as used:
        assert used is False


def test_measure_reads_inside_replica_reads_go_to_the_replica(configured: None, inside: None):
    for model in (StopPoint, Pathway, Measure, Organisation):
        assert router.db_for_read(model) == REPLICA


def test_reads_outside_replica_reads_stay_on_default(configured: None) -> None:
    for model in (StopPoint, Pathway, Measure):
        assert router.db_for_read(model) == DEFAULT_DB_ALIAS


def test_writes_and_the_audit_chain_never_go_to_the_replica(configured: None, inside: None):
    for model in (StopPoint, Measure, AuditEvent, Session):
        assert router.db_for_write(model) == DEFAULT_DB_ALIAS
    # the audit chain's head and the sessions are read on the primary even inside
    assert router.db_for_read(AuditEvent) == DEFAULT_DB_ALIAS
    assert router.db_for_read(Session) == DEFAULT_DB_ALIAS


def test_reads_inside_a_transaction_stay_on_default(
    configured: None, inside: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the primary's connection is in an atomic block (a service deciding a write)
    monkeypatch.setattr(connections[DEFAULT_DB_ALIAS], "in_atomic_block", True)
    # then its reads see its own rows, on the primary
    assert router.db_for_read(StopPoint) == DEFAULT_DB_ALIAS


def test_migrations_run_on_default_only(configured: None) -> None:
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "pathways", model_name="stoppoint") is True
    assert router.allow_migrate(REPLICA, "pathways", model_name="stoppoint") is False
    assert router.allow_migrate(REPLICA, "core", model_name="auditevent") is False


def test_rows_from_either_database_may_be_related(configured: None) -> None:
    a, b = Organisation(), Organisation()
    a._state.db, b._state.db = DEFAULT_DB_ALIAS, REPLICA
    assert router.allow_relation(a, b) is True


def test_an_unreachable_replica_leaves_the_reads_on_default(
    django_db_blocker, caplog: pytest.LogCaptureFixture
) -> None:
    # given a replica that refuses connections
    if dbrouter.replica_configured():
        pytest.skip("this run has DATABASE_REPLICA_URL")
    # when a dashboard enters replica_reads()
    with (
        replica_alias(unreachable_replica()),
        django_db_blocker.unblock(),
        replica_reads() as used,
    ):
        chosen = router.db_for_read(StopPoint)
    # then it reads on the primary, and says so without connection details
    assert used is False
    assert chosen == DEFAULT_DB_ALIAS
    assert "read replica unreachable" in caplog.text
    assert "nonexistent" not in caplog.text
