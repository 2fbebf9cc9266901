"""Goal scorings per episode (issue 9, item 7): a scoring belongs to the pathway it was
recorded in, each pathway has its own baseline, and a decline has a threshold of its own.

The backfill (`scorings_to_episodes`) assigns every existing scoring to an episode:

1. a scoring made at a stop point belongs to that stop point's pathway;
2. otherwise to the patient's pathway started most recently on or before the scoring;
3. otherwise (scored before any pathway started) to the patient's first pathway if it started
   within 30 days after the scoring (goals asked before the formal start, as the goals measure
   counts them);
4. otherwise it stays outside a pathway (``pathway`` empty).

The scorings' kinds are kept as recorded; the pairing reads each goal's first score in an
episode as its baseline. Reversing removes the field; it fails (and changes nothing) if a
patient by then has two baselines of one form version, which the old rule forbade.
"""

from datetime import timedelta
from decimal import Decimal

import django.db.models.deletion
from django.db import migrations, models

BEFORE_START_WINDOW = timedelta(days=30)


def scorings_to_episodes(apps, schema_editor):
    Scoring = apps.get_model("goals", "Scoring")
    Pathway = apps.get_model("pathways", "Pathway")
    todo = Scoring.objects.filter(pathway__isnull=True).select_related("stop_point")
    patient_ids = set(todo.values_list("patient_id", flat=True))
    starts: dict[int, list[tuple[object, int]]] = {}
    for pk, patient_id, started_at in (
        Pathway.objects.filter(patient_id__in=patient_ids)
        .order_by("patient_id", "started_at", "pk")
        .values_list("pk", "patient_id", "started_at")
    ):
        starts.setdefault(patient_id, []).append((started_at, pk))
    changed = []
    for scoring in todo.order_by("pk").iterator(chunk_size=500):
        pathway_id = None
        if scoring.stop_point_id is not None:
            pathway_id = scoring.stop_point.pathway_id
        else:
            pathways = starts.get(scoring.patient_id, [])
            before = [pk for started_at, pk in pathways if started_at <= scoring.scored_at]
            if before:
                pathway_id = before[-1]
            elif pathways and pathways[0][0] - scoring.scored_at <= BEFORE_START_WINDOW:
                pathway_id = pathways[0][1]
        if pathway_id is not None:
            scoring.pathway_id = pathway_id
            changed.append(scoring)
    Scoring.objects.bulk_update(changed, ["pathway"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("goals", "0002_portal_account_leaves_goals"),
        ("pathways", "0005_event_corrections"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="scoring",
            name="scoring_one_baseline_per_patient_version",
        ),
        migrations.AddField(
            model_name="scoring",
            name="pathway",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="goal_scorings",
                to="pathways.pathway",
                verbose_name="pathway (episode)",
            ),
        ),
        migrations.AddField(
            model_name="whatmattersformversion",
            name="decline_threshold",
            field=models.DecimalField(
                decimal_places=1,
                default=Decimal("1.3"),
                help_text=(
                    "A fall in the average score at or beyond which a decline is flagged. A "
                    "local default: no published threshold for decline was found."
                ),
                max_digits=3,
                verbose_name="decline to flag",
            ),
        ),
        migrations.RunPython(scorings_to_episodes, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="scoring",
            index=models.Index(fields=["pathway", "scored_at"], name="scoring_episode_scored"),
        ),
        migrations.AddConstraint(
            model_name="scoring",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "baseline"), ("pathway__isnull", False)),
                fields=("pathway", "version"),
                name="scoring_one_baseline_per_episode",
            ),
        ),
        migrations.AddConstraint(
            model_name="scoring",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "baseline"), ("pathway__isnull", True)),
                fields=("patient", "version"),
                name="scoring_one_baseline_outside_pathway",
            ),
        ),
        migrations.AddConstraint(
            model_name="whatmattersformversion",
            constraint=models.CheckConstraint(
                condition=models.Q(("decline_threshold__gt", Decimal("0"))),
                name="what_matters_version_decline_threshold_positive",
            ),
        ),
    ]
