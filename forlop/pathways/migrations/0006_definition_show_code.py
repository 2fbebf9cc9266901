"""The daily care plan is named by its title, not its code "DAILY" (issue 10, item 10).

The code stays: tests, the JSON API, exports, notification rules and existing pathways refer to
"DAILY". What changes is what users see, so this adds a flag and turns it off for the daily care
plan in every template version already stored (published ones too: the flag is presentation,
not a rule, and changes nothing a pathway was planned by).
"""

from django.db import migrations, models


def hide_daily_code(apps, schema_editor):
    definition = apps.get_model("pathways", "StopPointDefinition")
    definition.objects.filter(code="DAILY").update(show_code=False)


def show_daily_code(apps, schema_editor):
    definition = apps.get_model("pathways", "StopPointDefinition")
    definition.objects.filter(code="DAILY").update(show_code=True)


class Migration(migrations.Migration):
    dependencies = [
        ("pathways", "0005_event_corrections"),
    ]

    operations = [
        migrations.AddField(
            model_name="stoppointdefinition",
            name="show_code",
            field=models.BooleanField(
                default=True,
                help_text=(
                    "Off for a stop point outside the HPH numbering (the daily care plan): users "
                    "see its title only; the code stays for the template editor, exports and the "
                    "API."
                ),
                verbose_name="code shown to users",
            ),
        ),
        migrations.RunPython(hide_daily_code, show_daily_code),
    ]
