"""The learning network's details: region, health community, hospital trust, coordinators, and
its period as dates (from the old free-text period, "2022–2024" → 1 Jan 2022 to 31 Dec 2024;
without one, the 21 months from the row's creation). Reversible: the dates turn back into
the period text."""

import re
from datetime import date

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

YEARS = re.compile(r"(\d{4})\D+(\d{4})|(\d{4})")


def period_to_dates(apps, schema_editor):
    Network = apps.get_model("improvement", "Network")
    for network in Network.objects.all():
        match = YEARS.search(network.period or "")
        if match and match.group(1):
            first, last = int(match.group(1)), int(match.group(2))
        elif match:
            first = last = int(match.group(3))
        else:
            first = network.created_at.year
            last = first + 1
        network.starts_on = date(first, 1, 1)
        network.ends_on = date(max(first, last), 12, 31)
        network.save(update_fields=["starts_on", "ends_on"])


def dates_to_period(apps, schema_editor):
    Network = apps.get_model("improvement", "Network")
    for network in Network.objects.all():
        first, last = network.starts_on.year, network.ends_on.year
        network.period = str(first) if first == last else f"{first}–{last}"
        network.save(update_fields=["period"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_audit_verbs_templates_assignment"),
        ("improvement", "0001_network_annotation_from_measures"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="network",
            name="starts_on",
            field=models.DateField(null=True, verbose_name="starts"),
        ),
        migrations.AddField(
            model_name="network",
            name="ends_on",
            field=models.DateField(null=True, verbose_name="ends"),
        ),
        migrations.RunPython(period_to_dates, dates_to_period),
        migrations.AlterField(
            model_name="network",
            name="starts_on",
            field=models.DateField(help_text="The start of the preparation, about three months before gathering 1.", verbose_name="starts"),
        ),
        migrations.AlterField(
            model_name="network",
            name="ends_on",
            field=models.DateField(help_text="Gathering 4 at the latest.", verbose_name="ends"),
        ),
        migrations.RemoveField(model_name="network", name="period"),
        migrations.AddConstraint(
            model_name="network",
            constraint=models.CheckConstraint(condition=models.Q(("ends_on__gte", models.F("starts_on"))), name="network_ends_after_start"),
        ),
        migrations.AlterModelOptions(
            name="network",
            options={"ordering": ["-starts_on", "name"], "verbose_name": "network", "verbose_name_plural": "networks"},
        ),
        migrations.AddField(
            model_name="network",
            name="programme",
            field=models.CharField(choices=[("elderly", "Elderly and chronically ill"), ("mental_health", "Mental health and substance use")], default="elderly", max_length=20, verbose_name="programme"),
        ),
        migrations.AddField(
            model_name="network",
            name="region",
            field=models.CharField(blank=True, max_length=100, verbose_name="region"),
        ),
        migrations.AddField(
            model_name="network",
            name="health_community",
            field=models.CharField(blank=True, help_text="The helsefellesskap the network is anchored in.", max_length=200, verbose_name="health community"),
        ),
        migrations.AddField(
            model_name="network",
            name="hospital_trust",
            field=models.ForeignKey(blank=True, limit_choices_to={"kind": "hospital_trust"}, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="core.organisation", verbose_name="hospital trust"),
        ),
        migrations.AddField(
            model_name="network",
            name="coordinators",
            field=models.ManyToManyField(blank=True, help_text="The people to contact; they hold the network coordinator role.", related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="coordinators"),
        ),
        migrations.AlterField(
            model_name="network",
            name="coordinator",
            field=models.ForeignKey(blank=True, help_text="The development centre (USHT) or KS/FHI. Its network coordinators manage the network and see its aggregates.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name="coordinated_networks", to="core.organisation", verbose_name="guiding organisation"),
        ),
        migrations.AlterField(
            model_name="network",
            name="members",
            field=models.ManyToManyField(blank=True, limit_choices_to={"kind__in": ["municipality", "hospital_trust"]}, related_name="networks", to="core.organisation", verbose_name="participating organisations"),
        ),
    ]
