"""Template versioning: copy, draft, edit, publish, immutability, diff and migration."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from forlop.core.models import AuditEvent, AuditVerb, Organisation, Role, Unit, User
from forlop.pathways import versioning
from forlop.pathways.defaults import install_national_defaults
from forlop.pathways.models import (
    ChecklistAnswer,
    ChecklistItem,
    Pathway,
    PathwayTemplate,
    StopPoint,
    StopPointDefinition,
    TemplateVersion,
)
from forlop.pathways.rules import OSLO
from forlop.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=OSLO)


@pytest.fixture
def admin(district: Unit, make_member: Callable[..., User]) -> User:
    return make_member(district, Role.ADMINISTRATOR, username="admin")


@pytest.fixture
def national() -> dict[str, PathwayTemplate]:
    return install_national_defaults()


@pytest.fixture
def local_hph(
    admin: User, municipality: Organisation, national: dict[str, PathwayTemplate]
) -> PathwayTemplate:
    return versioning.template_copy(
        actor=admin,
        template=national["hph"],
        organisation=municipality,
        name="HPH Testvik",
        code="hph-testvik",
    )


@pytest.fixture
def published_v1(admin: User, local_hph: PathwayTemplate) -> TemplateVersion:
    return versioning.version_publish(
        actor=admin, version=local_hph.versions.get(number=1), notes="Første versjon"
    )


def _snapshot(version: TemplateVersion) -> list[tuple[object, ...]]:
    return [
        (
            d.code,
            d.deadline_amount,
            d.deadline_unit,
            d.title,
            tuple(d.items.values_list("key", "text")),
        )
        for d in version.definitions.order_by("order")
    ]


# --- copy -------------------------------------------------------------------------------------


def test_copy_makes_a_draft_with_the_published_content(
    admin: User, municipality: Organisation, national: dict[str, PathwayTemplate]
) -> None:
    # when
    copy = versioning.template_copy(
        actor=admin,
        template=national["hph"],
        organisation=municipality,
        name="HPH Testvik",
        code="hph-testvik",
    )

    # then
    assert copy.organisation == municipality
    assert copy.national_default is False
    assert copy.copied_from == national["hph"]
    version = copy.versions.get()
    assert (version.number, version.status) == (1, TemplateVersion.Status.DRAFT)
    assert _snapshot(version) == _snapshot(national["hph"].versions.get())
    event = AuditEvent.objects.get(verb=AuditVerb.TEMPLATE_COPIED)
    assert (event.actor, event.patient_id, event.target_id) == (admin, None, copy.pk)
    assert event.data["from_template"] == national["hph"].pk


def test_copy_refuses_a_duplicate_code_and_changes_nothing(
    admin: User, municipality: Organisation, national: dict[str, PathwayTemplate]
) -> None:
    # given
    before = (PathwayTemplate.objects.count(), TemplateVersion.objects.count())

    # when
    with pytest.raises(ValidationError) as excinfo:
        versioning.template_copy(
            actor=admin,
            template=national["hph"],
            organisation=municipality,
            name="X",
            code="general",
        )

    # then
    assert "code" in excinfo.value.message_dict
    assert (PathwayTemplate.objects.count(), TemplateVersion.objects.count()) == before
    assert not AuditEvent.objects.filter(verb=AuditVerb.TEMPLATE_COPIED).exists()


def test_copy_into_another_municipality_is_denied(
    admin: User, other_municipality: Organisation, national: dict[str, PathwayTemplate]
) -> None:
    # given
    before = PathwayTemplate.objects.count()

    # when / then
    with pytest.raises(PermissionDenied):
        versioning.template_copy(
            actor=admin,
            template=national["hph"],
            organisation=other_municipality,
            name="X",
            code="x",
        )
    assert PathwayTemplate.objects.count() == before


def test_a_nurse_may_not_copy(
    nurse: User, municipality: Organisation, national: dict[str, PathwayTemplate]
) -> None:
    with pytest.raises(PermissionDenied):
        versioning.template_copy(
            actor=nurse, template=national["hph"], organisation=municipality, name="X", code="x"
        )
    assert not PathwayTemplate.objects.filter(code="x").exists()


# --- publish and immutability ---------------------------------------------------------------


def test_publish_sets_status_time_and_author(admin: User, local_hph: PathwayTemplate) -> None:
    # when
    version = versioning.version_publish(
        actor=admin, version=local_hph.versions.get(), notes="Tilpasset Testvik"
    )

    # then
    version.refresh_from_db()
    assert version.status == TemplateVersion.Status.PUBLISHED
    assert version.published_by == admin
    assert version.published_at is not None
    assert version.notes == "Tilpasset Testvik"
    event = AuditEvent.objects.get(verb=AuditVerb.TEMPLATE_VERSION_PUBLISHED)
    assert event.target_id == version.pk


def test_publish_twice_is_refused(admin: User, published_v1: TemplateVersion) -> None:
    with pytest.raises(ValidationError) as excinfo:
        versioning.version_publish(actor=admin, version=published_v1, notes="igjen")
    assert excinfo.value.code == "published"
    published_v1.refresh_from_db()
    assert published_v1.notes == "Første versjon"


def test_every_edit_service_refuses_a_published_version(
    admin: User, published_v1: TemplateVersion
) -> None:
    # given
    definition = published_v1.definitions.get(code="HPH2")
    item = definition.items.get(key="fallrisiko")
    before = _snapshot(published_v1)
    calls: list[Callable[[], object]] = [
        lambda: versioning.definition_update(actor=admin, definition=definition, deadline_amount=5),
        lambda: versioning.definition_create(
            actor=admin,
            version=published_v1,
            code="NY",
            title="Ny",
            responsible_role=Role.PRIMARY_CONTACT,
            trigger="pathway_start",
            anchor="pathway_start",
            deadline_amount=1,
            deadline_unit="calendar_days",
        ),
        lambda: versioning.definition_delete(actor=admin, definition=definition),
        lambda: versioning.item_create(
            actor=admin, definition=definition, key="ny", text="Ny", kind="yes_no"
        ),
        lambda: versioning.item_update(actor=admin, item=item, text="Endret"),
        lambda: versioning.item_delete(actor=admin, item=item),
    ]

    # when / then
    for call in calls:
        with pytest.raises(ValidationError) as excinfo:
            call()
        assert excinfo.value.code == "published"
    assert _snapshot(published_v1) == before
    assert not AuditEvent.objects.filter(verb=AuditVerb.TEMPLATE_EDITED).exists()


def test_a_national_default_cannot_be_drafted_or_edited(
    admin: User, national: dict[str, PathwayTemplate]
) -> None:
    # given
    hph = national["hph"]
    definition = StopPointDefinition.objects.get(version__template=hph, code="HPH2")

    # when / then
    with pytest.raises(PermissionDenied):
        versioning.version_draft_create(actor=admin, template=hph)
    with pytest.raises(PermissionDenied):
        versioning.definition_update(actor=admin, definition=definition, deadline_amount=5)
    assert hph.versions.count() == 1
    definition.refresh_from_db()
    assert definition.deadline_amount == 3


# --- drafts ---------------------------------------------------------------------------------


def test_draft_copies_the_latest_version(admin: User, published_v1: TemplateVersion) -> None:
    # when
    draft = versioning.version_draft_create(actor=admin, template=published_v1.template)

    # then
    assert (draft.number, draft.status) == (2, TemplateVersion.Status.DRAFT)
    assert _snapshot(draft) == _snapshot(published_v1)
    assert AuditEvent.objects.filter(
        verb=AuditVerb.TEMPLATE_VERSION_DRAFTED, target_id=draft.pk
    ).exists()


def test_only_one_draft_at_a_time(admin: User, local_hph: PathwayTemplate) -> None:
    with pytest.raises(ValidationError) as excinfo:
        versioning.version_draft_create(actor=admin, template=local_hph)
    assert excinfo.value.code == "draft_exists"
    assert local_hph.versions.count() == 1


def test_definition_update_changes_and_audits(admin: User, local_hph: PathwayTemplate) -> None:
    # given
    definition = StopPointDefinition.objects.get(version__template=local_hph, code="HPH2")

    # when
    versioning.definition_update(
        actor=admin, definition=definition, deadline_amount=2, title="Oppfølging innen 2 dager"
    )

    # then
    definition.refresh_from_db()
    assert (definition.deadline_amount, definition.title) == (2, "Oppfølging innen 2 dager")
    event = AuditEvent.objects.get(verb=AuditVerb.TEMPLATE_EDITED)
    assert event.data["changes"]["deadline_amount"] == [3, 2]


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"deadline_unit": "fortnights"}, "deadline_unit"),
        ({"deadline_amount": -1}, "deadline_amount"),
        ({"code": "HPH3"}, "code"),
        ({"code": ""}, "code"),
        ({"trigger": "event"}, None),  # an event trigger without events
        ({"trigger": "after_stop_point", "after_code": "NOPE"}, None),
        ({"responsible_role": "janitor"}, "responsible_role"),
    ],
)
def test_definition_update_refuses_bad_input_and_changes_nothing(
    admin: User, local_hph: PathwayTemplate, fields: dict[str, object], error_field: str | None
) -> None:
    # given
    definition = StopPointDefinition.objects.get(version__template=local_hph, code="HPH2")
    before = _snapshot(local_hph.versions.get())

    # when
    with pytest.raises(ValidationError) as excinfo:
        versioning.definition_update(actor=admin, definition=definition, **fields)

    # then
    if error_field is not None:
        assert error_field in excinfo.value.message_dict
    assert _snapshot(local_hph.versions.get()) == before
    assert not AuditEvent.objects.filter(verb=AuditVerb.TEMPLATE_EDITED).exists()


def test_definition_create_and_delete_in_a_draft(admin: User, local_hph: PathwayTemplate) -> None:
    # given
    version = local_hph.versions.get()

    # when
    created = versioning.definition_create(
        actor=admin,
        version=version,
        order=999,
        code="HPH7",
        title="Samtale etter tre måneder",
        responsible_role=Role.PRIMARY_CONTACT,
        trigger="pathway_start",
        anchor="arrival_home",
        deadline_amount=3,
        deadline_unit="months",
    )

    # then
    assert version.definitions.filter(code="HPH7").exists()

    # when
    versioning.definition_delete(actor=admin, definition=created)

    # then
    assert not version.definitions.filter(code="HPH7").exists()


def test_definition_delete_refuses_to_break_a_chain(
    admin: User, municipality: Organisation, national: dict[str, PathwayTemplate]
) -> None:
    # given
    general = versioning.template_copy(
        actor=admin, template=national["general"], organisation=municipality, name="G", code="g"
    )
    g1 = StopPointDefinition.objects.get(version__template=general, code="G1")

    # when / then
    with pytest.raises(ValidationError):
        versioning.definition_delete(actor=admin, definition=g1)
    assert StopPointDefinition.objects.filter(pk=g1.pk).exists()


def test_item_create_update_delete(admin: User, local_hph: PathwayTemplate) -> None:
    # given
    definition = StopPointDefinition.objects.get(version__template=local_hph, code="HPH2")

    # when
    item = versioning.item_create(
        actor=admin,
        definition=definition,
        key="tannhelse",
        text="Tannhelse",
        kind=ChecklistItem.Kind.SINGLE_CHOICE,
        choices=["God", "Dårlig"],
        order=500,
    )
    versioning.item_update(actor=admin, item=item, text="Munn og tenner", required=True)

    # then
    item.refresh_from_db()
    assert (item.text, item.required) == ("Munn og tenner", True)

    # when
    versioning.item_delete(actor=admin, item=item)

    # then
    assert not definition.items.filter(key="tannhelse").exists()
    actions = list(
        AuditEvent.objects.filter(verb=AuditVerb.TEMPLATE_EDITED)
        .order_by("pk")
        .values_list("data__action", flat=True)
    )
    assert actions == ["item_created", "item_updated", "item_deleted"]


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"key": "fallrisiko", "text": "Dobbel", "kind": "yes_no"}, "key"),
        (
            {"key": "valg", "text": "Valg", "kind": "single_choice", "choices": ["Bare ett"]},
            "choices",
        ),
        ({"key": "tall", "text": "Tall", "kind": "yes_no", "number_unit": "kg"}, "number_unit"),
        ({"key": "ukjent", "text": "Ukjent", "kind": "essay"}, "kind"),
        ({"key": "ikke slug", "text": "Feil", "kind": "yes_no"}, "key"),
    ],
)
def test_item_create_refuses_bad_input(
    admin: User, local_hph: PathwayTemplate, fields: dict[str, object], error_field: str
) -> None:
    # given
    definition = StopPointDefinition.objects.get(version__template=local_hph, code="HPH2")
    before = ChecklistItem.objects.count()

    # when
    with pytest.raises(ValidationError) as excinfo:
        versioning.item_create(actor=admin, definition=definition, **fields)

    # then
    assert error_field in excinfo.value.message_dict
    assert ChecklistItem.objects.count() == before


def test_publish_refuses_an_inconsistent_draft(admin: User, local_hph: PathwayTemplate) -> None:
    # given: an item made invalid behind the services' back
    version = local_hph.versions.get()
    ChecklistItem.objects.filter(definition__version=version, key="fallrisiko").update(choices=[])

    # when
    with pytest.raises(ValidationError):
        versioning.version_publish(actor=admin, version=version, notes="")

    # then
    version.refresh_from_db()
    assert version.status == TemplateVersion.Status.DRAFT


# --- diff -----------------------------------------------------------------------------------


def test_diff_lists_added_removed_and_changed(admin: User, published_v1: TemplateVersion) -> None:
    # given
    draft = versioning.version_draft_create(actor=admin, template=published_v1.template)
    hph2 = draft.definitions.get(code="HPH2")
    versioning.definition_update(actor=admin, definition=hph2, deadline_amount=2)
    versioning.item_update(actor=admin, item=hph2.items.get(key="smerte"), required=True)
    versioning.item_delete(actor=admin, item=hph2.items.get(key="hud"))
    versioning.item_create(
        actor=admin, definition=hph2, key="tannhelse", text="Tannhelse", kind="text"
    )
    versioning.definition_delete(actor=admin, definition=draft.definitions.get(code="DAILY"))
    versioning.definition_create(
        actor=admin,
        version=draft,
        code="HPH7",
        title="Tremånederssamtale",
        responsible_role=Role.PRIMARY_CONTACT,
        trigger="pathway_start",
        anchor="arrival_home",
        deadline_amount=3,
        deadline_unit="months",
    )

    # when
    diff = versioning.version_diff(old=published_v1, new=draft)

    # then
    assert [d.code for d in diff.added] == ["HPH7"]
    assert [d.code for d in diff.removed] == ["DAILY"]
    assert len(diff.changed) == 1
    change = diff.changed[0]
    assert change.code == "HPH2"
    assert change.changes == (versioning.FieldChange("deadline_amount", 3, 2),)
    assert [i.key for i in change.items_added] == ["tannhelse"]
    assert [i.key for i in change.items_removed] == ["hud"]
    assert [(i.key, i.changes) for i in change.items_changed] == [
        ("smerte", (versioning.FieldChange("required", False, True),))
    ]
    assert not diff.is_empty


def test_diff_of_identical_versions_is_empty(admin: User, published_v1: TemplateVersion) -> None:
    draft = versioning.version_draft_create(actor=admin, template=published_v1.template)
    assert versioning.version_diff(old=published_v1, new=draft).is_empty


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
    draft = versioning.version_draft_create(actor=admin, template=published_v1.template)
    versioning.definition_update(
        actor=admin, definition=draft.definitions.get(code="HPH5"), deadline_amount=21
    )
    versioning.definition_delete(actor=admin, definition=draft.definitions.get(code="DAILY"))
    return versioning.version_publish(actor=admin, version=draft, notes="Tre uker")


def test_migrate_preview_maps_by_code_and_lists_dropped(
    running: Pathway, published_v1: TemplateVersion, v2: TemplateVersion
) -> None:
    # when
    rows = versioning.pathways_migrate_preview(from_version=published_v1, to_version=v2, now=NOW)

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
    moved = versioning.pathways_migrate(
        actor=admin, from_version=published_v1, to_version=v2, now=NOW
    )

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
    assert sps["DAILY"].not_relevant_reason == "Fjernet i versjon 2 av malen."  # nb, the default
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
    draft = versioning.version_draft_create(actor=admin, template=published_v1.template)

    # when
    with pytest.raises(ValidationError) as excinfo:
        versioning.pathways_migrate(
            actor=admin, from_version=published_v1, to_version=draft, now=NOW
        )

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
        versioning.pathways_migrate_preview(
            from_version=published_v1, to_version=national["general"].versions.get(), now=NOW
        )
    assert excinfo.value.code == "other_template"


def test_migrate_by_a_nurse_is_denied(
    nurse: User, running: Pathway, published_v1: TemplateVersion, v2: TemplateVersion
) -> None:
    with pytest.raises(PermissionDenied):
        versioning.pathways_migrate(actor=nurse, from_version=published_v1, to_version=v2, now=NOW)
    running.refresh_from_db()
    assert running.version == published_v1
