import pytest
from django.db import DatabaseError, connection, transaction

from forlop.core.audit import audit_record
from forlop.core.models import AuditEvent, AuditVerb

pytestmark = pytest.mark.django_db


def test_audit_rows_cannot_be_changed_through_the_orm(nurse):
    event = audit_record(actor=nurse, verb=AuditVerb.PATIENT_VIEWED, patient_id=1)
    event.reason = "rewritten"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="x")
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_audit_rows_cannot_be_changed_in_the_database(nurse):
    event = audit_record(actor=nurse, verb=AuditVerb.PATIENT_VIEWED, patient_id=1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET reason = 'x' WHERE id = %s", [event.pk])
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).reason == ""
