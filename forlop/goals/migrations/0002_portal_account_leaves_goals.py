"""The portal account moves to the `portal` app. Its table is renamed to the portal app's name
and the model leaves the goals state; `portal.0001` takes it into its own state. Every row is
kept (a rename, no copy); reversible."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0001_what_matters"),
    ]

    operations = [
        migrations.AlterModelTable(name="portalaccount", table="portal_portalaccount"),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PortalAccount")],
            database_operations=[],
        ),
    ]
