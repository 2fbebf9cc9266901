"""Move ``Network`` and ``Annotation`` to the improvement app, step 3 of 3: leave this app's
state. Nothing in the database changes (the tables are the improvement app's since
``measures.0002``). Reversible."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("measures", "0002_network_annotation_tables_to_improvement"),
        ("improvement", "0001_network_annotation_from_measures"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="Annotation"),
                migrations.DeleteModel(name="Network"),
            ],
        )
    ]
