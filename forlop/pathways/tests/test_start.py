"""Starting a pathway: preview, start, refusals, and registering its anchor times later."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from forlop.core.models import Unit, User
from forlop.pathways import services
from forlop.pathways.models import (
    Pathway,
    TemplateVersion,
)
from forlop.pathways.tests.factories import (
    StopPointDefinitionFactory,
    TemplateVersionFactory,
    oslo,
)
from forlop.pathways.tests.helpers import NOW, snapshot, stop
from forlop.patients.models import Patient

# --- pathway_start / preview ------------------------------------------------------------------


@pytest.mark.django_db
def test_preview_writes_nothing_and_matches_the_start(
    hph_version: TemplateVersion, start: Callable[..., Pathway]
) -> None:
    # given
    before = snapshot()

    # when
    rows = services.pathway_preview(
        version=hph_version,
        start_reason=Pathway.StartReason.DISCHARGE,
        started_at=oslo(2026, 3, 10, 9),
        discharged_at=oslo(2026, 3, 10, 11),
        arrived_home_at=oslo(2026, 3, 10, 14),
    )

    # then
    assert snapshot() == before
    assert [(r.code, r.due_at.date(), r.all_day) for r in rows if r.code in ("HPH2", "HPH3")] == [
        ("HPH2", date(2026, 3, 13), True),
        ("HPH3", date(2026, 3, 24), True),
    ]
    pathway = start()
    assert sorted(r.code for r in rows) == sorted(
        pathway.stop_points.values_list("definition__code", flat=True)
    )


@pytest.mark.django_db
def test_start_refuses_an_unpublished_version(
    hph_version: TemplateVersion, start: Callable[..., Pathway]
) -> None:
    # given
    draft = TemplateVersionFactory(
        template=hph_version.template, number=2, status=TemplateVersion.Status.DRAFT
    )
    StopPointDefinitionFactory(version=draft)
    before = snapshot()

    # when
    with pytest.raises(ValidationError) as exc:
        start(version=draft)

    # then
    assert exc.value.code == "unpublished"
    assert snapshot() == before


@pytest.mark.django_db
def test_start_at_home_anchors_on_the_start(
    hph_version: TemplateVersion, patient: Patient, district: Unit, nurse: User
) -> None:
    # when: a decline at home, no hospital
    pathway = services.pathway_start(
        actor=nurse,
        patient=patient,
        version=hph_version,
        unit=district,
        start_reason=Pathway.StartReason.DECLINE,
        started_at=oslo(2026, 5, 12, 13),
        now=oslo(2026, 5, 12, 13),
    )

    # then: nothing anchored on a discharge; HPH2 three days after the start
    codes = set(pathway.stop_points.values_list("definition__code", flat=True))
    assert "HPH0" not in codes
    assert stop(pathway, "HPH2").due_at == oslo(2026, 5, 15)


@pytest.mark.django_db
def test_start_refuses_a_second_running_pathway(start: Callable[..., Pathway]) -> None:
    # given
    start()
    before = snapshot()

    # when
    with pytest.raises(ValidationError) as exc:
        start()

    # then
    assert exc.value.code == "already_running"
    assert snapshot() == before


@pytest.mark.django_db
def test_anchors_set_plans_the_waiting_stop_points(
    start: Callable[..., Pathway], nurse: User
) -> None:
    # given: the discharge is known, the arrival home is not
    pathway = start(arrived_home_at=None)
    assert not pathway.stop_points.filter(definition__code="HPH2").exists()

    # when
    created = services.pathway_anchors_set(
        actor=nurse, pathway=pathway, arrived_home_at=oslo(2026, 3, 11, 10), now=NOW.replace(day=11)
    )

    # then
    assert sorted(sp.definition.code for sp in created) == ["DAILY", "HPH2", "HPH5"]
    assert stop(pathway, "HPH2").due_at == oslo(2026, 3, 14)
