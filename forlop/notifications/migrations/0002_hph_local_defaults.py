"""The HPH template's notification rules, shipped as local defaults (see defaults.py)."""

from django.db import migrations

RULES = (
    ("before_due", "owner", "HPH2", 1, ""),
    ("before_due", "owner", "HPH5", 1, ""),
    ("overdue", "owner", "", 0, ""),
    ("overdue", "unit_leader", "", 2, ""),
    ("pathway_started", "gp", "", 0, "Et legebesøk forventes innen 14 dager (HPH3)."),
    ("admitted", "primary_contact", "", 0, ""),
    ("admitted", "allocation_office", "", 0, ""),
)


def install(apps, schema_editor):
    Rule = apps.get_model("notifications", "NotificationRule")
    for trigger, target, code, delay, message in RULES:
        Rule.objects.get_or_create(
            organisation=None,
            template_code="hph",
            trigger=trigger,
            target=target,
            stop_point_code=code,
            delay_days=delay,
            defaults={"message": message, "local_default": True, "active": True},
        )


def remove(apps, schema_editor):
    Rule = apps.get_model("notifications", "NotificationRule")
    Rule.objects.filter(
        organisation=None, template_code="hph", local_default=True, notifications__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
