"""The running pathways' patient index covers the pathway's id and unit (PostgreSQL's INCLUDE;
on SQLite the index is rebuilt as it was): the work list's plan probes it for each visible
patient without reading the pathway rows. See docs/benchmarks.md ("fifth pass")."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("pathways", "0009_municipality_not_null")]

    operations = [
        migrations.RemoveIndex(model_name="pathway", name="pathway_running_patient"),
        migrations.AddIndex(
            model_name="pathway",
            index=models.Index(
                condition=models.Q(("ended_at", None)),
                fields=["patient"],
                include=("id", "unit"),
                name="pathway_running_patient",
            ),
        ),
    ]
