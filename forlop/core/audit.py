"""Writing the audit log. Every service that reads or writes patient data calls audit_record().

The log is tamper-evident: each row carries `prev_hash` (the previous row's hash) and
`chain_hash`, an HMAC-SHA256 under FORLOP_AUDIT_KEY (kept outside the database) over
`prev_hash` and the row's content. Editing, deleting or inserting a row breaks the chain from
that row on; `audit_chain_verify()` / `forlop audit_verify` finds the first broken link. The
database refuses UPDATE, DELETE and TRUNCATE besides (migrations 0002 and 0007).

Writers never fork the chain: on PostgreSQL each insert takes a transaction-level advisory lock
before it reads the head, held until its transaction ends; on SQLite every write transaction
already holds the database's write lock from its start (transaction_mode IMMEDIATE). So audit
last in a transaction, as the services do: the lock is then held only for the commit.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from forlop.core.models import AuditEvent, AuditVerb, User

GENESIS = "0" * 64
_ADVISORY_LOCK = 0x466F726C  # "Forl": one lock for the whole audit chain


def _canonical(
    *,
    created_at: datetime,
    actor_id: int | None,
    verb: str,
    patient_id: int | None,
    target_type: str,
    target_id: int | None,
    reason: str,
    emergency: bool,
    data: Any,
) -> bytes:
    payload = {
        "at": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": actor_id,
        "verb": verb,
        "patient": patient_id,
        "target": [target_type, target_id],
        "reason": reason,
        "emergency": bool(emergency),
        "data": data,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def chain_hash(prev_hash: str, content: bytes) -> str:
    key = settings.FORLOP_AUDIT_KEY.encode()
    return hmac.new(key, prev_hash.encode() + b"\n" + content, hashlib.sha256).hexdigest()


def audit_write_queries() -> int:
    """Statements one audit_record() issues: the head, the insert, and on PostgreSQL the lock."""
    return 3 if connection.vendor == "postgresql" else 2


def _lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK])


def audit_record(
    *,
    actor: User | None,
    verb: AuditVerb | str,
    patient_id: int | None = None,
    target: models.Model | None = None,
    reason: str = "",
    emergency: bool = False,
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit row to the chain. Call it inside the caller's transaction, last."""
    event = AuditEvent(
        created_at=timezone.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=str(verb),
        patient_id=patient_id,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target.pk if target is not None else None,
        reason=reason,
        emergency=emergency,
        # Through JSON once, so the hash covers what the database will give back.
        data=json.loads(json.dumps(data or {})),
    )
    # No savepoint: inside the caller's transaction this costs no extra statements, and a failed
    # audit insert fails the caller's transaction, as it should.
    with transaction.atomic(savepoint=False):
        _lock_chain()
        head = AuditEvent.objects.order_by("-pk").values_list("chain_hash", flat=True).first()
        event.prev_hash = head or GENESIS
        event.chain_hash = chain_hash(event.prev_hash, _content(event))
        event.save(force_insert=True)
    return event


def audit_record_many(events: Iterable[AuditEvent], *, batch_size: int = 1000) -> int:
    """Append many audit rows to the chain at once (a search or an export audits each patient).

    The same chain as ``audit_record``, row by row in the given order, in one locked insert
    per batch; ``created_at`` defaults to now. Returns the number of rows written.

    ``events`` is read ``batch_size`` rows at a time, so an export of a million patients holds
    one batch of rows, not a million (issue 16). The rest of it is read while the chain's lock
    is held: pass rows built in memory (a list or a generator over plain values), not a query."""
    now = timezone.now()
    pending = iter(events)
    batch = list(islice(pending, batch_size))
    if not batch:
        return 0
    written = 0
    with transaction.atomic(savepoint=False):
        _lock_chain()
        head = AuditEvent.objects.order_by("-pk").values_list("chain_hash", flat=True).first()
        prev = head or GENESIS
        while batch:
            for event in batch:
                event.created_at = event.created_at or now
                event.data = json.loads(json.dumps(event.data or {}))
                event.prev_hash = prev
                event.chain_hash = chain_hash(prev, _content(event))
                prev = event.chain_hash
            AuditEvent.objects.bulk_create(batch, batch_size=batch_size)
            written += len(batch)
            batch = list(islice(pending, batch_size))
    return written


def _content(event: AuditEvent) -> bytes:
    return _canonical(
        created_at=event.created_at,
        actor_id=event.actor_id,
        verb=event.verb,
        patient_id=event.patient_id,
        target_type=event.target_type,
        target_id=event.target_id,
        reason=event.reason,
        emergency=event.emergency,
        data=event.data,
    )


@dataclass(frozen=True, slots=True)
class ChainReport:
    rows: int
    first_broken_id: int | None
    head_id: int | None
    head_hash: str
    anchor_ok: bool | None = None


FIELDS = (
    "pk",
    "created_at",
    "actor_id",
    "verb",
    "patient_id",
    "target_type",
    "target_id",
    "reason",
    "emergency",
    "data",
    "prev_hash",
    "chain_hash",
)


def _rows() -> Iterable[tuple[Any, ...]]:
    return AuditEvent.objects.order_by("pk").values_list(*FIELDS).iterator(chunk_size=2000)


def audit_chain_verify(*, anchor: tuple[int, str] | None = None) -> ChainReport:
    """Recompute the chain from the first row; report the first row whose link is broken.

    `anchor` (an id and the hash it had, noted outside the database earlier) also catches a
    deleted tail, which a chain alone cannot show.
    """
    expected_prev = GENESIS
    rows = 0
    first_broken: int | None = None
    head_id, head_hash = None, GENESIS
    anchor_ok = None if anchor is None else False
    for pk, at, actor, verb, patient, ttype, tid, reason, emergency, data, prev, stored in _rows():
        rows += 1
        content = _canonical(
            created_at=at,
            actor_id=actor,
            verb=verb,
            patient_id=patient,
            target_type=ttype,
            target_id=tid,
            reason=reason,
            emergency=emergency,
            data=data,
        )
        if first_broken is None and (prev != expected_prev or stored != chain_hash(prev, content)):
            first_broken = pk
        if anchor is not None and pk == anchor[0]:
            anchor_ok = stored == anchor[1]
        expected_prev = stored
        head_id, head_hash = pk, stored
    return ChainReport(rows, first_broken, head_id, head_hash, anchor_ok)
