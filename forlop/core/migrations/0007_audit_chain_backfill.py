"""Chain the audit rows written before the chain existed, in id order (a frozen copy of the
hash in core/audit.py). The append-only trigger is lifted for this one backfill and put back.

On SQLite the trigger is (re)created in any case: 0006 altered a column, and SQLite's table
rebuild for that drops the table's triggers. Any later migration that alters core_auditevent
must do the same (test_audit.py fails if the trigger is missing).
"""

import hashlib
import hmac
import json
from datetime import UTC

from django.conf import settings
from django.db import migrations

GENESIS = "0" * 64
SQLITE_TRIGGER = (
    "CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
)


def _hash(prev, row):
    payload = {
        "at": row.created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": row.actor_id,
        "verb": row.verb,
        "patient": row.patient_id,
        "target": [row.target_type, row.target_id],
        "reason": row.reason,
        "emergency": bool(row.emergency),
        "data": row.data,
    }
    content = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    key = settings.FORLOP_AUDIT_KEY.encode()
    return hmac.new(key, prev.encode() + b"\n" + content.encode(), hashlib.sha256).hexdigest()


def forwards(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    vendor = schema_editor.connection.vendor
    if not AuditEvent.objects.exists():
        if vendor == "sqlite":
            schema_editor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_update")
            schema_editor.execute(SQLITE_TRIGGER)
        return
    with schema_editor.connection.cursor() as cursor:
        if vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_no_update")
        elif vendor == "sqlite":
            cursor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_update")
        prev = GENESIS
        for row in AuditEvent.objects.order_by("pk").iterator(chunk_size=2000):
            row_hash = _hash(prev, row)
            cursor.execute(
                "UPDATE core_auditevent SET prev_hash = %s, chain_hash = %s WHERE id = %s",
                [prev, row_hash, row.pk],
            )
            prev = row_hash
        if vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_no_update")
        elif vendor == "sqlite":
            cursor.execute(SQLITE_TRIGGER)


class Migration(migrations.Migration):
    dependencies = [("core", "0006_audit_chain")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
