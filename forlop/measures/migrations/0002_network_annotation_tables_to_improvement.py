"""Move ``Network`` and ``Annotation`` to the improvement app, step 1 of 3: rename the tables.

The rows stay where they are; only the tables are renamed to the names the improvement app's
models use (``improvement_network``, ``improvement_network_members``,
``improvement_annotation``). The model state does not change here: step 2
(``improvement.0001``) adds the models to the improvement app's state, step 3
(``measures.0003``) removes them from this app's. Reversible: backwards renames them back.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("measures", "0001_measures_networks_snapshots")]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                # Renames the auto-created members table along with the model's.
                migrations.AlterModelTable(name="network", table="improvement_network"),
                migrations.AlterModelTable(name="annotation", table="improvement_annotation"),
            ],
            state_operations=[],
        )
    ]
