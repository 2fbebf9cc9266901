"""Template pages through the client: the permission ladder, reading, copying.

Editing a draft and publishing are in ``test_views_drafts``, diff and migrate in
``test_views_compare``."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.urls import reverse

from forlop.authoring.tests.helpers import DefinitionFormData, client_for, snapshot
from forlop.core.models import AuditEvent, AuditVerb, Organisation, User
from forlop.pathways.models import (
    PathwayTemplate,
)

pytestmark = pytest.mark.django_db


def test_permission_ladder_on_a_municipality_template(
    local_hph: PathwayTemplate,
    outsider: User,
    nurse: User,
    admin: User,
    national: dict[str, PathwayTemplate],
) -> None:
    # given
    draft = local_hph.versions.get()
    hph2 = draft.definitions.get(code="HPH2")
    detail = reverse("authoring:detail", args=[local_hph.pk])
    edit = reverse("authoring:version-edit", args=[draft.pk])
    update = reverse("authoring:definition-update", args=[hph2.pk])
    data = {f"d{hph2.pk}-{k}": v for k, v in DefinitionFormData.of(hph2, deadline_amount=2).items()}
    before = snapshot(local_hph)

    # anonymous: sent to the login page, nothing changes
    for url in (detail, edit):
        response = client_for(None).get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    assert client_for(None).post(update, data).status_code == 302

    # another municipality: the template does not exist for them
    outsider_client = client_for(outsider)
    assert outsider_client.get(detail).status_code == 404
    assert outsider_client.get(edit).status_code == 404
    assert outsider_client.post(update, data).status_code == 404
    listing = outsider_client.get(reverse("authoring:list"))
    assert listing.status_code == 200
    listed = {row["template"].pk for row in listing.context["rows"]}
    assert national["hph"].pk in listed  # the national templates are there for everyone
    assert local_hph.pk not in listed
    assert "HPH Testvik" not in listing.content.decode()

    # a reader (nurse in the municipality): reads, may not edit
    reader = client_for(nurse)
    response = reader.get(detail)
    assert response.status_code == 200
    assert "HPH Testvik" in response.content.decode()
    assert reader.get(edit).status_code == 403
    assert reader.post(update, data).status_code == 403
    assert snapshot(local_hph) == before

    # an administrator of the municipality edits
    response = client_for(admin).post(update, data)
    assert response.status_code == 302
    hph2.refresh_from_db()
    assert hph2.deadline_amount == 2


def test_national_default_is_read_only_but_can_be_copied(
    national: dict[str, PathwayTemplate], admin: User, municipality: Organisation
) -> None:
    # given
    hph = national["hph"]
    client = client_for(admin)
    version = hph.versions.get()

    # then: readable, with stop points, deadlines in words and guidance
    response = client.get(reverse("authoring:detail", args=[hph.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Strukturert oppfølging av sykepleier" in body
    assert "3 calendar days after arrival home" in body
    assert "Hva er viktig for deg?-samtale" in body
    assert "Sammenlign epikrise" in body  # guidance
    assert client.get(reverse("authoring:version-edit", args=[version.pk])).status_code == 403
    assert client.post(reverse("authoring:version-create", args=[hph.pk])).status_code == 403
    assert hph.versions.count() == 1

    response = client.get(reverse("authoring:copy", args=[hph.pk]))
    assert response.status_code == 200
    assert "Copy this template" in response.content.decode()

    # when: copy
    response = client.post(
        reverse("authoring:copy", args=[hph.pk]),
        {"organisation": municipality.pk, "name": "HPH Testvik", "code": "hph-testvik"},
    )

    # then
    copy = PathwayTemplate.objects.get(code="hph-testvik")
    draft = copy.versions.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("authoring:version-edit", args=[draft.pk])
    assert copy.organisation == municipality
    assert AuditEvent.objects.filter(verb=AuditVerb.TEMPLATE_COPIED, target_id=copy.pk).exists()


def test_copy_with_a_duplicate_code_shows_an_error(
    national: dict[str, PathwayTemplate], admin: User, municipality: Organisation
) -> None:
    # given
    before = PathwayTemplate.objects.count()

    # when
    response = client_for(admin).post(
        reverse("authoring:copy", args=[national["hph"].pk]),
        {"organisation": municipality.pk, "name": "Kopi", "code": "general"},
    )

    # then
    assert response.status_code == 400
    assert "A template with this code already exists." in response.content.decode()
    assert PathwayTemplate.objects.count() == before


def test_copy_with_a_code_in_the_wrong_form_says_what_is_allowed(
    national: dict[str, PathwayTemplate], admin: User, municipality: Organisation
) -> None:
    # given
    before = PathwayTemplate.objects.count()
    client = client_for(admin)
    client.cookies["django_language"] = "nb"

    # when the code has a space and a Norwegian letter
    response = client.post(
        reverse("authoring:copy", args=[national["hph"].pk]),
        {"organisation": municipality.pk, "name": "Kopi", "code": "hph tønsberg"},
        headers={"Accept-Language": "nb"},
    )

    # then the message says what a code may hold, not Django's 'gyldig «slug»' (issue 10, item 10)
    body = response.content.decode()
    assert response.status_code == 400
    assert "Bruk bare bokstavene a–z uten æ, ø og å, sifre, bindestrek og understrek" in body
    assert "slug" not in body.lower()
    assert PathwayTemplate.objects.count() == before


def test_a_nurse_cannot_copy(
    national: dict[str, PathwayTemplate], nurse: User, municipality: Organisation
) -> None:
    response = client_for(nurse).post(
        reverse("authoring:copy", args=[national["hph"].pk]),
        {"organisation": municipality.pk, "name": "Kopi", "code": "kopi"},
    )
    assert response.status_code == 403
    assert not PathwayTemplate.objects.filter(code="kopi").exists()


def test_list_shows_defaults_and_own_templates(
    local_hph: PathwayTemplate, nurse: User, django_assert_max_num_queries: Callable[..., object]
) -> None:
    # given
    client = client_for(nurse)
    client.get(reverse("authoring:list"))  # warm the session

    # when
    with django_assert_max_num_queries(10):  # constant: no query per template
        response = client.get(reverse("authoring:list"))

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "Helhetlig pasientforløp i hjemmet" in body
    assert "HPH Testvik" in body
