"""PostgreSQL refuses TRUNCATE of the audit log too (a statement-level trigger).

A session may allow it with `SET forlop.allow_audit_truncate = 'on'`: the test suite's flush
between tests does so (conftest.py). That switch is for accidents and tools, not for someone who
owns the database: they can drop the trigger. The hash chain and an anchor noted outside the
database (`forlop audit_verify`) are what catch them.
"""

from django.db import migrations

PG_UP = """
CREATE OR REPLACE FUNCTION core_auditevent_no_truncate() RETURNS trigger AS $$
BEGIN
  IF coalesce(current_setting('forlop.allow_audit_truncate', true), '') <> 'on' THEN
    RAISE EXCEPTION 'audit events are append-only (TRUNCATE refused)';
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditevent_no_truncate BEFORE TRUNCATE ON core_auditevent
  FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_no_truncate();
"""
PG_DOWN = """
DROP TRIGGER IF EXISTS core_auditevent_no_truncate ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_no_truncate();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN)


class Migration(migrations.Migration):
    dependencies = [("core", "0007_audit_chain_backfill")]
    operations = [migrations.RunPython(forwards, backwards)]
