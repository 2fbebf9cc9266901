"""Template pages through the client: editing a draft's stop points and questions, publishing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from forlop.authoring.tests.helpers import DefinitionFormData, client_for, snapshot
from forlop.core.models import AuditEvent, AuditVerb, User
from forlop.pathways.models import (
    ChecklistItem,
    PathwayTemplate,
    StopPointDefinition,
    TemplateVersion,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"deadline_unit": "fortnights"}, "Select a valid choice"),
        ({"deadline_amount": "-3"}, "greater than or equal to 0"),
        ({"code": "HPH3"}, "Another stop point in this version has the code HPH3."),
        ({"trigger": "event"}, "trigger_events must be given exactly"),
        (
            {"trigger": "recurrence", "deadline_unit": "hours"},
            "A recurrence is counted in days or months",
        ),
    ],
)
def test_definition_edit_rejects_bad_input_and_saves_nothing(
    local_hph: PathwayTemplate, admin: User, changes: dict[str, object], message: str
) -> None:
    # given
    hph2 = StopPointDefinition.objects.get(version__template=local_hph, code="HPH2")
    data = {f"d{hph2.pk}-{k}": v for k, v in DefinitionFormData.of(hph2, **changes).items()}
    before = snapshot(local_hph)
    url = reverse("authoring:definition-update", args=[hph2.pk])

    # when: a plain post, then the same with htmx
    plain = client_for(admin).post(url, data)
    htmx = client_for(admin).post(url, data, headers={"HX-Request": "true"})

    # then
    assert plain.status_code == 400
    assert message in plain.content.decode()
    assert htmx.status_code == 200
    assert message in htmx.content.decode()
    assert f'id="definition-{hph2.pk}"' in htmx.content.decode()
    assert "<html" not in htmx.content.decode()
    assert snapshot(local_hph) == before
    assert not AuditEvent.objects.filter(verb=AuditVerb.TEMPLATE_EDITED).exists()


def test_htmx_definition_edit_returns_the_card(local_hph: PathwayTemplate, admin: User) -> None:
    # given
    hph2 = StopPointDefinition.objects.get(version__template=local_hph, code="HPH2")
    data = {f"d{hph2.pk}-{k}": v for k, v in DefinitionFormData.of(hph2, deadline_amount=2).items()}

    # when
    response = client_for(admin).post(
        reverse("authoring:definition-update", args=[hph2.pk]),
        data,
        headers={"HX-Request": "true"},
    )

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "2 calendar days after arrival home" in body
    assert "Saved." in body


def test_item_create_update_delete_through_the_page(
    local_hph: PathwayTemplate, admin: User
) -> None:
    # given
    hph2 = StopPointDefinition.objects.get(version__template=local_hph, code="HPH2")
    client = client_for(admin)
    prefix = f"n{hph2.pk}"

    # when: add, with htmx
    response = client.post(
        reverse("authoring:item-create", args=[hph2.pk]),
        {
            f"{prefix}-order": "500",
            f"{prefix}-key": "tannhelse",
            f"{prefix}-text": "Tannhelse",
            f"{prefix}-kind": "single_choice",
            f"{prefix}-choices": "God\nDårlig\n",
            f"{prefix}-allow_not_relevant": "on",
        },
        headers={"HX-Request": "true"},
    )

    # then
    assert response.status_code == 200
    item = hph2.items.get(key="tannhelse")
    assert item.choices == ["God", "Dårlig"]

    # when: a duplicate key
    response = client.post(
        reverse("authoring:item-create", args=[hph2.pk]),
        {
            f"{prefix}-order": "510",
            f"{prefix}-key": "tannhelse",
            f"{prefix}-text": "Igjen",
            f"{prefix}-kind": "yes_no",
        },
    )
    assert response.status_code == 400
    assert "Another question in this stop point has the key tannhelse." in response.content.decode()
    assert hph2.items.filter(key="tannhelse").count() == 1

    # when: update and delete
    p = f"i{item.pk}"
    response = client.post(
        reverse("authoring:item-update", args=[item.pk]),
        {
            f"{p}-order": "500",
            f"{p}-key": "tannhelse",
            f"{p}-text": "Munn og tenner",
            f"{p}-kind": "text",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.text, item.kind, item.choices) == ("Munn og tenner", "text", [])
    response = client.post(reverse("authoring:item-delete", args=[item.pk]))
    assert response.status_code == 302
    assert not ChecklistItem.objects.filter(pk=item.pk).exists()


def test_the_editor_sets_a_number_questions_unit_and_plausible_range(
    local_hph: PathwayTemplate, admin: User
) -> None:
    # given the weight question of the draft (20–300 kg as shipped)
    weight = ChecklistItem.objects.get(
        definition__version__template=local_hph, key="ernaering-vekt"
    )
    client = Client()  # in Norwegian: the range is typed with a decimal comma
    client.force_login(admin)
    p = f"i{weight.pk}"
    data = {
        f"{p}-order": str(weight.order),
        f"{p}-key": weight.key,
        f"{p}-text": weight.text,
        f"{p}-kind": "number",
        f"{p}-number_unit": "kg",
        f"{p}-allow_not_relevant": "on",
    }
    # when the range is reversed, it is refused and nothing changes
    response = client.post(
        reverse("authoring:item-update", args=[weight.pk]),
        {**data, f"{p}-number_min": "300", f"{p}-number_max": "20"},
    )
    assert response.status_code == 400
    assert "Den høyeste verdien kan ikke være lavere enn den laveste." in response.content.decode()
    weight.refresh_from_db()
    assert (weight.number_min, weight.number_max) == (20, 300)
    # when a municipality narrows it
    response = client.post(
        reverse("authoring:item-update", args=[weight.pk]),
        {**data, f"{p}-number_min": "25,5", f"{p}-number_max": "250"},
    )
    # then
    assert response.status_code == 302
    weight.refresh_from_db()
    assert (weight.number_unit, weight.number_min, weight.number_max) == ("kg", 25.5, 250)
    editor = client.get(reverse("authoring:version-edit", args=[weight.definition.version_id]))
    assert 'value="25,5"' in editor.content.decode()


def test_publish_then_edits_are_refused(local_hph: PathwayTemplate, admin: User) -> None:
    # given
    draft = local_hph.versions.get()
    hph2 = draft.definitions.get(code="HPH2")
    client = client_for(admin)

    # when: publish without notes → error; with notes → published
    response = client.post(reverse("authoring:version-publish", args=[draft.pk]), {"notes": ""})
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.status == TemplateVersion.Status.DRAFT
    response = client.post(
        reverse("authoring:version-publish", args=[draft.pk]), {"notes": "Første"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == TemplateVersion.Status.PUBLISHED

    # then: an edit to the published version is refused with a clear message
    before = snapshot(local_hph)
    data = {f"d{hph2.pk}-{k}": v for k, v in DefinitionFormData.of(hph2, deadline_amount=9).items()}
    response = client.post(reverse("authoring:definition-update", args=[hph2.pk]), data)
    assert response.status_code == 400
    assert "is published and can no longer change" in response.content.decode()
    assert snapshot(local_hph) == before

    # and the edit page sends the user to the read-only page
    response = client.get(reverse("authoring:version-edit", args=[draft.pk]))
    assert response.status_code == 302

    # when: a new draft
    response = client.post(reverse("authoring:version-create", args=[local_hph.pk]))
    new_draft = local_hph.versions.get(number=2)
    assert response["Location"] == reverse("authoring:version-edit", args=[new_draft.pk])
    assert client.get(response["Location"]).status_code == 200
