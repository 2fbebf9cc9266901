"""The municipality column of every patient-data table is required from now on (filled by
0008_backfill_municipality)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("pathways", "0008_backfill_municipality")]

    operations = [
        migrations.AlterField(
            model_name="pathway",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.organisation",
                verbose_name="municipality",
            ),
        ),
        migrations.AlterField(
            model_name="pathwayevent",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.organisation",
                verbose_name="municipality",
            ),
        ),
        migrations.AlterField(
            model_name="stoppoint",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.organisation",
                verbose_name="municipality",
            ),
        ),
        migrations.AlterField(
            model_name="pathwaytimechange",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.organisation",
                verbose_name="municipality",
            ),
        ),
        migrations.AlterField(
            model_name="stoppointpart",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.organisation",
                verbose_name="municipality",
            ),
        ),
        migrations.AlterField(
            model_name="checklistanswer",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.organisation",
                verbose_name="municipality",
            ),
        ),
        migrations.AddIndex(
            model_name="pathway",
            index=models.Index(fields=["municipality", "started_at"], name="pathway_municipality"),
        ),
    ]
