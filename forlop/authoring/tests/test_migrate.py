"""Moving running pathways to a new version: preview, the move, refusals, audit."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from forlop.authoring import migrate, services
from forlop.core.models import AuditEvent, AuditVerb, Organisation, Unit, User
from forlop.pathways.models import (
    ChecklistAnswer,
    Pathway,
    PathwayTemplate,
    StopPoint,
    TemplateVersion,
)
from forlop.pathways.rules import OSLO
from forlop.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=OSLO)


# --- migration ------------------------------------------------------------------------------


@pytest.fixture
def running(
    published_v1: TemplateVersion, district: Unit, municipality: Organisation, admin: User
) -> Pathway:
    """A pathway on v1, home since 3 March: HPH2 done, HPH5 and DAILY open."""
    started = datetime(2025, 3, 3, 9, 0, tzinfo=OSLO)
    pathway = Pathway.objects.create(
        patient=PatientFactory(municipality=municipality),
        version=published_v1,
        unit=district,
        start_reason=Pathway.StartReason.DISCHARGE,
        started_at=started,
        discharged_at=started,
        arrived_home_at=started,
    )
    defs = {d.code: d for d in published_v1.definitions.all()}

    def instance(code: str, days: int, **extra: object) -> StopPoint:
        due = datetime(2025, 3, 3, tzinfo=OSLO) + timedelta(days=days)
        return StopPoint.objects.create(
            pathway=pathway,
            definition=defs[code],
            triggered_at=started,
            opens_at=started,
            due_at=due,
            ends_at=due + timedelta(days=1),
            **extra,
        )

    done = instance("HPH2", 3, completed_at=started + timedelta(days=1), completed_by=admin)
    hph5 = instance("HPH5", 28)
    instance("DAILY", 1)
    ChecklistAnswer.objects.create(
        stop_point=hph5,
        item=defs["HPH5"].items.get(key="funksjon"),
        value=True,
        answered_by=admin,
        answered_at=started,
    )
    assert done.completed_at is not None
    return pathway


@pytest.fixture
def v2(admin: User, published_v1: TemplateVersion) -> TemplateVersion:
    draft = services.version_draft_create(actor=admin, template=published_v1.template)
    services.definition_update(
        actor=admin, definition=draft.definitions.get(code="HPH5"), deadline_amount=21
    )
    services.definition_delete(actor=admin, definition=draft.definitions.get(code="DAILY"))
    return services.version_publish(actor=admin, version=draft, notes="Tre uker")


def test_migrate_preview_maps_by_code_and_lists_dropped(
    running: Pathway, published_v1: TemplateVersion, v2: TemplateVersion
) -> None:
    # when
    rows = migrate.pathways_migrate_preview(from_version=published_v1, to_version=v2)

    # then
    assert len(rows) == 1
    row = rows[0]
    assert row.pathway_id == running.pk
    assert [(m.code, m.new_deadline.due_date.isoformat()) for m in row.mapped] == [
        ("HPH5", "2025-03-24")
    ]
    assert row.mapped[0].new_definition_id == v2.definitions.get(code="HPH5").pk
    assert row.mapped[0].deadline_changed is True
    assert [d.code for d in row.dropped] == ["DAILY"]
    # a preview changes nothing
    running.refresh_from_db()
    assert running.version == published_v1
    assert not AuditEvent.objects.filter(verb=AuditVerb.PATHWAY_MIGRATED).exists()


def test_migrate_moves_open_instances_and_audits(
    admin: User, running: Pathway, published_v1: TemplateVersion, v2: TemplateVersion
) -> None:
    # when
    moved = migrate.pathways_migrate(actor=admin, from_version=published_v1, to_version=v2, now=NOW)

    # then
    assert moved == 1
    running.refresh_from_db()
    assert running.version == v2
    sps = {sp.definition.code: sp for sp in running.stop_points.select_related("definition")}
    assert sps["HPH5"].definition.version == v2
    assert sps["HPH5"].due_at.astimezone(OSLO).date().isoformat() == "2025-03-24"
    assert sps["HPH5"].revision == 1
    assert sps["HPH5"].answers.get().item.definition.version == v2
    # closed history keeps its old definition; the removed one is closed with a reason
    assert sps["HPH2"].definition.version == published_v1
    assert sps["DAILY"].not_relevant_at == NOW
    assert sps["DAILY"].not_relevant_reason == "Fjernet i versjon 2 av malen."
    event = AuditEvent.objects.get(verb=AuditVerb.PATHWAY_MIGRATED)
    assert event.patient_id == running.patient_id
    assert event.target_id == running.pk
    assert (event.data["from"], event.data["to"]) == (published_v1.pk, v2.pk)


def test_running_pathways_keep_their_version_without_migration(
    running: Pathway, published_v1: TemplateVersion, v2: TemplateVersion
) -> None:
    running.refresh_from_db()
    assert running.version == published_v1


def test_migrate_refuses_a_draft_target_and_changes_nothing(
    admin: User, running: Pathway, published_v1: TemplateVersion
) -> None:
    # given
    draft = services.version_draft_create(actor=admin, template=published_v1.template)

    # when
    with pytest.raises(ValidationError) as excinfo:
        migrate.pathways_migrate(actor=admin, from_version=published_v1, to_version=draft, now=NOW)

    # then
    assert excinfo.value.code == "not_published"
    running.refresh_from_db()
    assert running.version == published_v1
    assert not AuditEvent.objects.filter(verb=AuditVerb.PATHWAY_MIGRATED).exists()


def test_migrate_refuses_another_template(
    admin: User,
    running: Pathway,
    published_v1: TemplateVersion,
    national: dict[str, PathwayTemplate],
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        migrate.pathways_migrate_preview(
            from_version=published_v1, to_version=national["general"].versions.get()
        )
    assert excinfo.value.code == "other_template"


def test_migrate_by_a_nurse_is_denied(
    nurse: User, running: Pathway, published_v1: TemplateVersion, v2: TemplateVersion
) -> None:
    with pytest.raises(PermissionDenied):
        migrate.pathways_migrate(actor=nurse, from_version=published_v1, to_version=v2, now=NOW)
    running.refresh_from_db()
    assert running.version == published_v1
