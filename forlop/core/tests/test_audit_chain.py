"""A tamper-evident audit log (issue 11): each row carries an HMAC over itself and the previous
row's hash, `forlop audit_verify` names the first broken link, the database refuses UPDATE,
DELETE and (PostgreSQL) TRUNCATE, and two concurrent writers never fork the chain."""

from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, connections, transaction

from forlop.core.audit import GENESIS, audit_chain_verify, audit_record, audit_record_many
from forlop.core.models import AuditEvent, AuditVerb


def write(nurse, n: int, **kwargs) -> list[AuditEvent]:
    return [
        audit_record(actor=nurse, verb=AuditVerb.PATIENT_VIEWED, patient_id=i + 1, **kwargs)
        for i in range(n)
    ]


def tamper(sql: str, params: list[object]) -> None:
    """Change audit rows as a database superuser could: with the guard trigger out of the way."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # run the deferred foreign-key checks of this test's inserts first
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
            cursor.execute(sql, params)
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER core_auditevent_no_update")
            cursor.execute(sql, params)
            cursor.execute(
                "CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent "
                "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
            )


@pytest.mark.django_db
def test_each_row_carries_a_hash_of_the_previous_one(nurse):
    first, second, third = write(nurse, 3, data={"list": [1, 2], "ord": "blåbær"})
    assert first.prev_hash == GENESIS
    assert (second.prev_hash, third.prev_hash) == (first.chain_hash, second.chain_hash)
    assert len({first.chain_hash, second.chain_hash, third.chain_hash}) == 3
    report = audit_chain_verify()
    assert (report.rows, report.first_broken_id, report.head_hash) == (3, None, third.chain_hash)


@pytest.mark.django_db
def test_many_rows_at_once_join_the_same_chain(nurse):
    # given a row written alone
    [single] = write(nurse, 1)
    # when a search audits three patients at once, then one more row alone
    count = audit_record_many(
        AuditEvent(actor=nurse, verb=AuditVerb.PATIENT_VIEWED, patient_id=pid, data={"n": pid})
        for pid in (7, 8, 9)
    )
    [last] = write(nurse, 1)
    # then every row links to the one before it and the chain verifies
    rows = list(AuditEvent.objects.order_by("pk"))
    assert count == 3
    assert [r.patient_id for r in rows] == [1, 7, 8, 9, 1]
    assert [r.prev_hash for r in rows[1:]] == [r.chain_hash for r in rows[:-1]]
    assert (rows[0].pk, rows[-1].pk) == (single.pk, last.pk)
    assert audit_chain_verify().first_broken_id is None
    assert audit_record_many([]) == 0
    # and a tampered row of the batch is caught
    tamper("UPDATE core_auditevent SET patient_id = %s WHERE id = %s", [1, rows[2].pk])
    assert audit_chain_verify().first_broken_id == rows[2].pk


@pytest.mark.django_db
def test_many_rows_are_read_one_batch_at_a_time(nurse):
    """An export of a million patients must not hold a million unsaved rows (issue 16): the
    rows are drawn from the iterable a batch at a time, each batch saved before the next."""
    saved_when_drawn: list[int] = []

    def events():
        for pid in range(1, 6):
            saved_when_drawn.append(AuditEvent.objects.count())
            yield AuditEvent(actor=nurse, verb=AuditVerb.PATIENT_VIEWED, patient_id=pid)

    # when
    count = audit_record_many(events(), batch_size=2)
    # then: rows 3 and 4 were drawn after rows 1 and 2 were saved, row 5 after 3 and 4
    assert count == 5
    assert saved_when_drawn == [0, 0, 2, 2, 4]
    assert list(AuditEvent.objects.order_by("pk").values_list("patient_id", flat=True)) == [
        1,
        2,
        3,
        4,
        5,
    ]
    assert audit_chain_verify().first_broken_id is None


@pytest.mark.django_db
def test_audit_verify_reports_the_first_broken_link_after_a_superuser_edit(nurse):
    events = write(nurse, 5, reason="")
    # when a superuser rewrites the reason of the third row directly in SQL
    tamper("UPDATE core_auditevent SET reason = %s WHERE id = %s", ["rydding", events[2].pk])
    assert AuditEvent.objects.get(pk=events[2].pk).reason == "rydding"
    # then the chain breaks exactly there
    report = audit_chain_verify()
    assert report.first_broken_id == events[2].pk
    out = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("audit_verify", stdout=out)
    assert f"first broken link at audit event {events[2].pk}" in str(exc.value)


@pytest.mark.django_db
def test_a_deleted_row_breaks_the_chain_at_the_next_one(nurse):
    events = write(nurse, 4)
    tamper("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    assert audit_chain_verify().first_broken_id == events[2].pk


@pytest.mark.django_db
def test_a_rewritten_chain_without_the_key_is_caught(nurse, settings):
    events = write(nurse, 3)
    # a superuser recomputing every hash needs FORLOP_AUDIT_KEY, which lives outside the database
    settings.FORLOP_AUDIT_KEY = "a key the attacker guessed"
    assert audit_chain_verify().first_broken_id == events[0].pk


@pytest.mark.django_db
def test_an_anchor_catches_a_truncated_tail(nurse):
    events = write(nurse, 4)
    anchor = f"{events[3].pk}:{events[3].chain_hash}"
    out = StringIO()
    call_command("audit_verify", "--anchor", anchor, stdout=out)
    assert f"{len(events)} rows" in out.getvalue()
    assert events[3].chain_hash in out.getvalue()  # the head, to keep outside the database
    tamper("DELETE FROM core_auditevent WHERE id >= %s", [events[2].pk])
    with pytest.raises(CommandError, match="anchor"):
        call_command("audit_verify", "--anchor", anchor, stdout=StringIO())


@pytest.mark.django_db
def test_the_database_refuses_update_delete_and_truncate(nurse):
    event = write(nurse, 1)[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET reason = 'x' WHERE id = %s", [event.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
        # TRUNCATE, unless the session says it is a test flush or a restore
        with (  # noqa: PT012 - the refusal ends the transaction it happens in
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL forlop.allow_audit_truncate = 'off'")
            cursor.execute("TRUNCATE core_auditevent")
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain(nurse):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers already (IMMEDIATE); the race is PostgreSQL's")
    threads, per_thread = 8, 15
    start = threading.Barrier(threads)
    errors: list[str] = []

    def writer() -> None:
        try:
            start.wait(timeout=30)
            for i in range(per_thread):
                with transaction.atomic():
                    audit_record(actor=nurse, verb=AuditVerb.PATIENT_VIEWED, patient_id=i)
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connections.close_all()

    workers = [threading.Thread(target=writer) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert errors == []
    report = audit_chain_verify()
    assert (report.rows, report.first_broken_id) == (threads * per_thread, None)
    prevs = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(prevs) == len(set(prevs))  # no two rows chained to the same predecessor
