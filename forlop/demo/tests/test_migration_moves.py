"""Models moved between apps keep every row of a database filled by the demo, back and forth
across the move (row counts and a content hash per table): Network and Annotation from measures
to improvement, PortalAccount from goals to portal. One test, so the demo is loaded once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from forlop.core.tests.migration_moves import check_move_keeps_rows
from forlop.demo.testing import demo_load
from forlop.goals.models import Score, Scoring
from forlop.improvement.models import Annotation, Network
from forlop.measures.models import Measure
from forlop.portal.models import PortalAccount

BEFORE = [("measures", "0001_measures_networks_snapshots"), ("improvement", None)]
AFTER = [
    ("measures", "0003_network_annotation_state_to_improvement"),
    ("improvement", "0001_network_annotation_from_measures"),
]
RENAMES = {
    "improvement_network": "measures_network",
    "improvement_network_members": "measures_network_members",
    "improvement_annotation": "measures_annotation",
}


PORTAL_BEFORE = [("goals", "0001_what_matters"), ("portal", None)]
PORTAL_AFTER = [
    ("goals", "0002_portal_account_leaves_goals"),
    ("portal", "0001_portal_account_from_goals"),
]


def _one_baseline_per_form_version() -> None:
    """Delete every scoring of a patient's later episodes with a baseline of the same form
    version (a database before goals 0003 holds one baseline per patient and form version)."""
    first: dict[tuple[int, int], int] = {}
    later: list[int] = []
    for scoring in Scoring.objects.filter(kind=Scoring.Kind.BASELINE).order_by("scored_at", "pk"):
        key = (scoring.patient_id, scoring.version_id)
        if key in first:
            later.append(scoring.pathway_id)
        else:
            first[key] = scoring.pathway_id
    Score.objects.filter(scoring__pathway_id__in=later).delete()  # protected: scores first
    Scoring.objects.filter(pathway_id__in=later).delete()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_moves_keep_every_row_of_the_demo():
    # given a database filled by the demo, when it migrates back across the move and forward
    report = check_move_keeps_rows(
        before=BEFORE,
        after=AFTER,
        load=demo_load,  # a copy when this test process has loaded the demo already
        renames=RENAMES,
        changed_in_between=["django_content_type"],  # the two content types change app label
    )
    # then the moved tables held their rows all the way (and so did every other table)
    assert report.after["improvement_network"].rows == 18  # the programme's 17 and the demo's own
    assert (
        report.after["improvement_network_members"].rows == Network.members.through.objects.count()
    )
    assert report.after["improvement_network_members"].rows > 250
    notes = Annotation.objects.count()
    assert report.after["improvement_annotation"].rows == notes >= 2
    assert report.before["measures_network_members"] == report.after["improvement_network_members"]
    assert report.total_rows > 3000
    # and the moved models are usable afterwards (new rows get fresh keys on both databases)
    network = Network.objects.create(
        name="Ny", code="ny", starts_on=timezone.localdate(), ends_on=timezone.localdate()
    )
    assert network.pk > max(Network.objects.exclude(pk=network.pk).values_list("pk", flat=True))
    Annotation.objects.create(
        measure=Measure.objects.first(),
        level="network",
        scope_code="ny",
        date=timezone.localdate(),
        text="x",
    )
    assert Annotation.objects.count() == notes + 1

    # given the same database (left at the latest migrations), the portal account's move;
    # goals' baselines per episode (goals 0003) go back to one per form version across it, so
    # the demo patient's second episode (its baseline and what hangs on it) is left out first
    portal = check_move_keeps_rows(
        before=PORTAL_BEFORE,
        after=PORTAL_AFTER,
        load=_one_baseline_per_form_version,
        renames={"portal_portalaccount": "goals_portalaccount"},
        changed_in_between=["django_content_type"],
    )
    # then the accounts kept their rows and content across the rename
    accounts = PortalAccount.objects.count()
    assert accounts >= 1
    assert portal.after["portal_portalaccount"].rows == accounts
    assert portal.before["goals_portalaccount"] == portal.after["portal_portalaccount"]
    assert "goals_portalaccount" not in portal.after
