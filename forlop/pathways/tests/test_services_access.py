"""Every engine service that touches patient data checks the actor's access itself (issue 8,
defect 3): a nurse of another unit, with no service need for the patient, is refused by each
one, and nothing changes (no row, no answer, no audit row)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from forlop.core.models import Role, Unit, User
from forlop.pathways import services
from forlop.pathways.models import Pathway
from forlop.pathways.tests.helpers import NOW, item, snapshot, stop

pytestmark = pytest.mark.django_db


def test_each_write_refuses_an_actor_without_service_need_and_changes_nothing(
    start: Callable[..., Pathway],
    nurse: User,
    other_district: Unit,
    make_member: Callable[..., User],
) -> None:
    # given a running pathway of the nurse's patient, and a nurse of another unit
    pathway = start()
    outsider = make_member(other_district, Role.PRIMARY_CONTACT, username="outsider")
    hph2 = stop(pathway, "HPH2")
    later = NOW + timedelta(hours=1)
    writes: dict[str, Callable[[], object]] = {
        "checklist_answer_save": lambda: services.checklist_answer_save(
            actor=outsider,
            stop_point=hph2,
            item_id=item(hph2, "legemiddelliste").pk,
            value=True,
            now=later,
        ),
        "stop_point_complete": lambda: services.stop_point_complete(
            actor=outsider, stop_point=hph2, expected_revision=hph2.revision, now=later
        ),
        "stop_point_mark_not_relevant": lambda: services.stop_point_mark_not_relevant(
            actor=outsider, stop_point=hph2, reason="Ikke aktuelt for brukeren", now=later
        ),
        "stop_point_assign": lambda: services.stop_point_assign(
            actor=outsider, stop_point=hph2, assignee=outsider, now=later
        ),
        "event_record": lambda: services.event_record(
            actor=outsider,
            patient=pathway.patient,
            kind="fall",
            occurred_at=NOW,
            now=later,
        ),
        "pathway_start": lambda: services.pathway_start(
            actor=outsider,
            patient=pathway.patient,
            version=pathway.version,
            unit=other_district,
            start_reason=Pathway.StartReason.DISCHARGE,
            started_at=NOW,
            now=later,
        ),
    }
    before = snapshot()

    # when / then: each refuses, and none of them changed anything
    for name, write in writes.items():
        try:
            write()
        except PermissionDenied:
            continue
        pytest.fail(f"{name} did not refuse a nurse without service need")
    assert snapshot() == before
