"""Template pages through the client: comparing versions and migrating running pathways."""

from __future__ import annotations

import pytest
from django.urls import reverse

from forlop.authoring import services
from forlop.authoring.tests.helpers import client_for
from forlop.core.models import User
from forlop.pathways.models import (
    PathwayTemplate,
)

pytestmark = pytest.mark.django_db


def test_diff_page(local_hph: PathwayTemplate, admin: User, nurse: User) -> None:
    # given
    v1 = services.version_publish(actor=admin, version=local_hph.versions.get(), notes="v1")
    v2 = services.version_draft_create(actor=admin, template=local_hph)
    services.definition_update(
        actor=admin, definition=v2.definitions.get(code="HPH5"), deadline_amount=21
    )
    url = reverse("authoring:version-diff", args=[local_hph.pk])

    # when
    response = client_for(nurse).get(url, {"old": v1.number, "new": v2.number})

    # then
    body = response.content.decode()
    assert response.status_code == 200
    # the field by its name (translated), not the model's (issue 10, item 10)
    assert '<td data-field="deadline_amount">Deadline</td>' in body
    assert ">deadline_amount<" not in body
    assert "Fireukerssamtale" in body
    assert client_for(nurse).get(url, {"old": 1, "new": 1}).status_code == 400


def test_diff_page_opens_on_the_previous_version_and_labels_superseded_ones(
    local_hph: PathwayTemplate, admin: User, nurse: User
) -> None:
    # given v1 and v2 published (v1 superseded) and a draft v3 that changes HPH5's deadline
    services.version_publish(actor=admin, version=local_hph.versions.get(), notes="v1")
    services.version_publish(
        actor=admin,
        version=services.version_draft_create(actor=admin, template=local_hph),
        notes="v2",
    )
    v3 = services.version_draft_create(actor=admin, template=local_hph)
    services.definition_update(
        actor=admin, definition=v3.definitions.get(code="HPH5"), deadline_amount=21
    )
    # when the page is opened without choosing
    response = client_for(nurse).get(reverse("authoring:version-diff", args=[local_hph.pk]))
    # then it compares v2 with v3 at once
    body = response.content.decode()
    assert response.status_code == 200
    assert (response.context["old"].number, response.context["new"].number) == (2, 3)
    assert "From v2 to v3" in body
    assert '<td data-field="deadline_amount">Deadline</td>' in body
    # and the choices say which published version is superseded
    labels = dict(response.context["form"].fields["new"].choices)
    assert labels == {3: "v3 · Draft", 2: "v2 · Published", 1: "v1 · Published, superseded"}


def test_diff_page_compares_a_copy_with_the_template_it_was_copied_from(
    local_hph: PathwayTemplate, admin: User, nurse: User, national: dict[str, PathwayTemplate]
) -> None:
    # given the municipality's copy, with HPH5's deadline changed in its only version
    services.definition_update(
        actor=admin,
        definition=local_hph.versions.get().definitions.get(code="HPH5"),
        deadline_amount=21,
    )
    url = reverse("authoring:version-diff", args=[local_hph.pk])
    # when the page opens: against the national template's newest version
    response = client_for(nurse).get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["old"].template == national["hph"]
    assert "(copied from)" in body
    assert '<td data-field="deadline_amount">Deadline</td>' in body
    # and it may be chosen explicitly, or an own version; a made-up one is refused, not a 500
    assert client_for(nurse).get(url, {"old": "origin-1", "new": 1}).status_code == 200
    assert client_for(nurse).get(url, {"old": "origin-99", "new": 1}).status_code == 400
    assert client_for(nurse).get(url, {"old": "1", "new": 1}).status_code == 400
    assert client_for(nurse).get(url, {"old": "x", "new": "y"}).status_code == 400
    # the national template itself has nothing it was copied from: one version, no comparison
    national_page = client_for(nurse).get(
        reverse("authoring:version-diff", args=[national["hph"].pk])
    )
    assert national_page.status_code == 200
    assert national_page.context["diff"] is None


def test_migrate_page_previews_then_moves(
    local_hph: PathwayTemplate, admin: User, nurse: User
) -> None:
    # given
    v1 = services.version_publish(actor=admin, version=local_hph.versions.get(), notes="v1")
    v2 = services.version_publish(
        actor=admin,
        version=services.version_draft_create(actor=admin, template=local_hph),
        notes="v2",
    )
    url = reverse("authoring:pathways-migrate", args=[local_hph.pk])

    # then: readers may not
    assert client_for(nurse).get(url).status_code == 403
    assert client_for(nurse).post(url, {"old": 1, "new": 2}).status_code == 403

    # when: preview
    response = client_for(admin).get(url, {"old": v1.number, "new": v2.number})
    assert response.status_code == 200
    assert "0 running pathways on v1 will move to v2" in response.content.decode()

    # when: a draft as target
    services.version_draft_create(actor=admin, template=local_hph)
    response = client_for(admin).post(url, {"old": 1, "new": 3})
    assert response.status_code == 400
    assert "published version" in response.content.decode()

    # when: confirm
    response = client_for(admin).post(url, {"old": 1, "new": 2})
    assert response.status_code == 302
