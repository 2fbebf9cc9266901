"""The municipality column of every patient-data table is required from now on (filled by
0003_backfill_municipality)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_backfill_municipality")]

    operations = [
        migrations.AlterField(
            model_name="portalaccount",
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
    ]
