"""Grants taken before data-controller boundaries were opened in the patient's municipality's
record: that municipality is their data controller."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def forwards(apps, schema_editor):
    EmergencyAccess = apps.get_model("patients", "EmergencyAccess")
    Patient = apps.get_model("patients", "Patient")
    EmergencyAccess.objects.filter(data_controller__isnull=True).update(
        data_controller=Subquery(
            Patient.objects.filter(pk=OuterRef("patient_id")).values("municipality_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [("patients", "0002_emergency_access_boundaries")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
