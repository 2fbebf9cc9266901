"""``Patient.panel_version``: the number the goals headers' cache is keyed by, raised by every
change to what a header shows (goals.signals). A database default, so rows written by COPY or
bulk inserts that leave the column out get 0; on PostgreSQL adding it rewrites no row."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("patients", "0006_municipality_not_null")]

    operations = [
        migrations.AddField(
            model_name="patient",
            name="panel_version",
            field=models.PositiveBigIntegerField(
                db_default=0,
                default=0,
                editable=False,
                help_text=(
                    "Counts the changes to what the patient panels show (the goals header); "
                    "keys their cache."
                ),
                verbose_name="panel version",
            ),
        ),
    ]
