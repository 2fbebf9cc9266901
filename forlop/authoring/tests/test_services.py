"""Template authoring services: copy, draft, edit, publish and immutability."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from forlop.authoring import services
from forlop.core.models import AuditEvent, AuditVerb, Organisation, Role, User
from forlop.pathways.models import (
    ChecklistItem,
    PathwayTemplate,
    StopPointDefinition,
    TemplateVersion,
)
from forlop.pathways.rules import OSLO

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=OSLO)


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
    copy = services.template_copy(
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
        services.template_copy(
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
        services.template_copy(
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
        services.template_copy(
            actor=nurse, template=national["hph"], organisation=municipality, name="X", code="x"
        )
    assert not PathwayTemplate.objects.filter(code="x").exists()


# --- publish and immutability ---------------------------------------------------------------


def test_publish_sets_status_time_and_author(admin: User, local_hph: PathwayTemplate) -> None:
    # when
    version = services.version_publish(
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
        services.version_publish(actor=admin, version=published_v1, notes="igjen")
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
        lambda: services.definition_update(actor=admin, definition=definition, deadline_amount=5),
        lambda: services.definition_create(
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
        lambda: services.definition_delete(actor=admin, definition=definition),
        lambda: services.item_create(
            actor=admin, definition=definition, key="ny", text="Ny", kind="yes_no"
        ),
        lambda: services.item_update(actor=admin, item=item, text="Endret"),
        lambda: services.item_delete(actor=admin, item=item),
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
        services.version_draft_create(actor=admin, template=hph)
    with pytest.raises(PermissionDenied):
        services.definition_update(actor=admin, definition=definition, deadline_amount=5)
    assert hph.versions.count() == 1
    definition.refresh_from_db()
    assert definition.deadline_amount == 3


# --- drafts ---------------------------------------------------------------------------------


def test_draft_copies_the_latest_version(admin: User, published_v1: TemplateVersion) -> None:
    # when
    draft = services.version_draft_create(actor=admin, template=published_v1.template)

    # then
    assert (draft.number, draft.status) == (2, TemplateVersion.Status.DRAFT)
    assert _snapshot(draft) == _snapshot(published_v1)
    assert AuditEvent.objects.filter(
        verb=AuditVerb.TEMPLATE_VERSION_DRAFTED, target_id=draft.pk
    ).exists()


def test_only_one_draft_at_a_time(admin: User, local_hph: PathwayTemplate) -> None:
    with pytest.raises(ValidationError) as excinfo:
        services.version_draft_create(actor=admin, template=local_hph)
    assert excinfo.value.code == "draft_exists"
    assert local_hph.versions.count() == 1


def test_definition_update_changes_and_audits(admin: User, local_hph: PathwayTemplate) -> None:
    # given
    definition = StopPointDefinition.objects.get(version__template=local_hph, code="HPH2")

    # when
    services.definition_update(
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
        services.definition_update(actor=admin, definition=definition, **fields)

    # then
    if error_field is not None:
        assert error_field in excinfo.value.message_dict
    assert _snapshot(local_hph.versions.get()) == before
    assert not AuditEvent.objects.filter(verb=AuditVerb.TEMPLATE_EDITED).exists()


def test_definition_create_and_delete_in_a_draft(admin: User, local_hph: PathwayTemplate) -> None:
    # given
    version = local_hph.versions.get()

    # when
    created = services.definition_create(
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
    services.definition_delete(actor=admin, definition=created)

    # then
    assert not version.definitions.filter(code="HPH7").exists()


def test_definition_delete_refuses_to_break_a_chain(
    admin: User, municipality: Organisation, national: dict[str, PathwayTemplate]
) -> None:
    # given
    general = services.template_copy(
        actor=admin, template=national["general"], organisation=municipality, name="G", code="g"
    )
    g1 = StopPointDefinition.objects.get(version__template=general, code="G1")

    # when / then
    with pytest.raises(ValidationError):
        services.definition_delete(actor=admin, definition=g1)
    assert StopPointDefinition.objects.filter(pk=g1.pk).exists()


def test_item_create_update_delete(admin: User, local_hph: PathwayTemplate) -> None:
    # given
    definition = StopPointDefinition.objects.get(version__template=local_hph, code="HPH2")

    # when
    item = services.item_create(
        actor=admin,
        definition=definition,
        key="tannhelse",
        text="Tannhelse",
        kind=ChecklistItem.Kind.SINGLE_CHOICE,
        choices=["God", "Dårlig"],
        order=500,
    )
    services.item_update(actor=admin, item=item, text="Munn og tenner", required=True)

    # then
    item.refresh_from_db()
    assert (item.text, item.required) == ("Munn og tenner", True)

    # when
    services.item_delete(actor=admin, item=item)

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
        services.item_create(actor=admin, definition=definition, **fields)

    # then
    assert error_field in excinfo.value.message_dict
    assert ChecklistItem.objects.count() == before


def test_publish_refuses_an_inconsistent_draft(admin: User, local_hph: PathwayTemplate) -> None:
    # given: an item made invalid behind the services' back
    version = local_hph.versions.get()
    ChecklistItem.objects.filter(definition__version=version, key="fallrisiko").update(choices=[])

    # when
    with pytest.raises(ValidationError):
        services.version_publish(actor=admin, version=version, notes="")

    # then
    version.refresh_from_db()
    assert version.status == TemplateVersion.Status.DRAFT
