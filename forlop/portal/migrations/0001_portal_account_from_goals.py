"""The portal account, moved here from `goals` (see goals.0002): state only, the table exists."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("goals", "0002_portal_account_leaves_goals"),
        ("patients", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PortalAccount",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                        (
                            "relation",
                            models.CharField(
                                choices=[
                                    ("self", "The patient"),
                                    ("next_of_kin", "Next of kin, authorised by the patient"),
                                ],
                                default="self",
                                max_length=20,
                                verbose_name="relation",
                            ),
                        ),
                        (
                            "authorised_by_patient_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="authorised by the patient"
                            ),
                        ),
                        (
                            "patient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="portal_accounts",
                                to="patients.patient",
                                verbose_name="patient",
                            ),
                        ),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="portal_account",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="user",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "portal account",
                        "verbose_name_plural": "portal accounts",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("relation", "self"),
                                    ("authorised_by_patient_at__isnull", False),
                                    _connector="OR",
                                ),
                                name="portal_next_of_kin_needs_authorisation",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
