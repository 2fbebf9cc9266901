"""Move ``Network`` and ``Annotation`` to the improvement app, step 2 of 3: the model state.

The tables were renamed by ``measures.0002``; here the models enter this app's state with no
change to the database, and their content types follow them (so permissions and admin log
entries keep pointing at the same rows). Reversible.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ("network", "annotation")


def content_types_to(new_label, old_label):
    def move(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        for model in MODELS:
            if ContentType.objects.filter(app_label=new_label, model=model).exists():
                continue  # already there (created by a later post_migrate): leave both
            ContentType.objects.filter(app_label=old_label, model=model).update(
                app_label=new_label
            )

    return move


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0003_audit_verbs_templates_assignment"),
        ("measures", "0002_network_annotation_tables_to_improvement"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="Network",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                        ("name", models.CharField(max_length=200, verbose_name="name")),
                        ("code", models.SlugField(max_length=40, unique=True, verbose_name="code")),
                        ("period", models.CharField(blank=True, help_text="For example 2024–2026.", max_length=60, verbose_name="period")),
                        ("coordinator", models.ForeignKey(blank=True, help_text="Network coordinators of this organisation see the network's aggregates.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name="coordinated_networks", to="core.organisation", verbose_name="coordinating organisation")),
                        ("members", models.ManyToManyField(blank=True, limit_choices_to={"kind__in": ["municipality", "hospital_trust"]}, related_name="networks", to="core.organisation", verbose_name="members")),
                    ],
                    options={
                        "verbose_name": "network",
                        "verbose_name_plural": "networks",
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="Annotation",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                        ("level", models.CharField(choices=[("unit", "Unit"), ("municipality", "Municipality"), ("hospital", "Hospital trust"), ("network", "Network")], max_length=20, verbose_name="level")),
                        ("scope_code", models.CharField(max_length=40, verbose_name="scope code")),
                        ("date", models.DateField(verbose_name="date")),
                        ("text", models.CharField(max_length=200, verbose_name="what changed")),
                        ("part_ends_here", models.BooleanField(default=False, help_text="Split the chart: a new centre line from the next period on.", verbose_name="start a new part after this period")),
                        ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="created by")),
                        ("measure", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="annotations", to="measures.measure", verbose_name="measure")),
                    ],
                    options={
                        "verbose_name": "annotation",
                        "verbose_name_plural": "annotations",
                        "ordering": ["date", "pk"],
                    },
                ),
            ],
        ),
        migrations.RunPython(
            content_types_to("improvement", "measures"),
            content_types_to("measures", "improvement"),
        ),
    ]
