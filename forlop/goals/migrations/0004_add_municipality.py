"""Every patient-data table carries its data controller (docs/scaling.md, *Sharding by
municipality*): the municipality column, nullable until 0005_backfill_municipality has filled it
from the patient and 0006_municipality_not_null makes it required. Three migrations, so that on
PostgreSQL the backfill's deferred foreign-key checks have run before the column is altered."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("goals", "0003_scorings_per_episode"),
    ]

    operations = [
        migrations.AddField(
            model_name="goal",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                null=True,
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.organisation",
                verbose_name="municipality",
            ),
        ),
        migrations.AddField(
            model_name="scoring",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                null=True,
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.organisation",
                verbose_name="municipality",
            ),
        ),
        migrations.AddField(
            model_name="patientproposal",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                null=True,
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.organisation",
                verbose_name="municipality",
            ),
        ),
        migrations.AddField(
            model_name="goalchange",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                null=True,
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.organisation",
                verbose_name="municipality",
            ),
        ),
        migrations.AddField(
            model_name="score",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                null=True,
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.organisation",
                verbose_name="municipality",
            ),
        ),
    ]
