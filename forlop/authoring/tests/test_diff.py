"""Comparing two versions of a template: stop points by code, questions by key."""

from __future__ import annotations

from datetime import datetime

import pytest

from forlop.authoring import diff, services
from forlop.core.models import Role, User
from forlop.pathways.models import (
    TemplateVersion,
)
from forlop.pathways.rules import OSLO

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=OSLO)


# --- diff -----------------------------------------------------------------------------------


def test_diff_lists_added_removed_and_changed(admin: User, published_v1: TemplateVersion) -> None:
    # given
    draft = services.version_draft_create(actor=admin, template=published_v1.template)
    hph2 = draft.definitions.get(code="HPH2")
    services.definition_update(actor=admin, definition=hph2, deadline_amount=2)
    services.item_update(actor=admin, item=hph2.items.get(key="smerte"), required=True)
    services.item_delete(actor=admin, item=hph2.items.get(key="hud"))
    services.item_create(
        actor=admin, definition=hph2, key="tannhelse", text="Tannhelse", kind="text"
    )
    services.definition_delete(actor=admin, definition=draft.definitions.get(code="DAILY"))
    services.definition_create(
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
    changes = diff.version_diff(old=published_v1, new=draft)

    # then
    assert [d.code for d in changes.added] == ["HPH7"]
    assert [d.code for d in changes.removed] == ["DAILY"]
    assert len(changes.changed) == 1
    change = changes.changed[0]
    assert change.code == "HPH2"
    assert change.changes == (diff.FieldChange("deadline_amount", 3, 2),)
    assert [i.key for i in change.items_added] == ["tannhelse"]
    assert [i.key for i in change.items_removed] == ["hud"]
    assert [(i.key, i.changes) for i in change.items_changed] == [
        ("smerte", (diff.FieldChange("required", False, True),))
    ]
    assert not changes.is_empty


def test_diff_of_identical_versions_is_empty(admin: User, published_v1: TemplateVersion) -> None:
    draft = services.version_draft_create(actor=admin, template=published_v1.template)
    assert diff.version_diff(old=published_v1, new=draft).is_empty
