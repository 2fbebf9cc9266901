"""Fill the municipality column of Pathway, PathwayEvent, StopPoint, PathwayTimeChange,
StopPointPart, ChecklistAnswer: each row takes the data controller of the row it belongs to
(listed parents first), which is its patient's municipality. One UPDATE per table with a
correlated subquery (the same on SQLite and PostgreSQL); every row is set to its parent's value,
so running it again changes nothing."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

# (model, the parent's app, the parent model, the column naming the parent), parents first.
STEPS = [
    ("Pathway", "patients", "Patient", "patient_id"),
    ("PathwayEvent", "patients", "Patient", "patient_id"),
    ("StopPoint", "pathways", "Pathway", "pathway_id"),
    ("PathwayTimeChange", "pathways", "Pathway", "pathway_id"),
    ("StopPointPart", "pathways", "StopPoint", "stop_point_id"),
    ("ChecklistAnswer", "pathways", "StopPoint", "stop_point_id"),
]


def forwards(apps, schema_editor):
    for model, parent_app, parent_model, parent_column in STEPS:
        parent = apps.get_model(parent_app, parent_model)
        apps.get_model("pathways", model).objects.update(
            municipality_id=Subquery(
                parent.objects.filter(pk=OuterRef(parent_column)).values("municipality_id")[:1]
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("pathways", "0007_add_municipality"),
        ("patients", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
