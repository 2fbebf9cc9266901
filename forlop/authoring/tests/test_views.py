"""Template pages through the client: the permission ladder, editing, publishing, diff, migrate."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from forlop.authoring import services
from forlop.core.models import AuditEvent, AuditVerb, Organisation, Role, Unit, User
from forlop.core.tests.factories import UnitFactory
from forlop.pathways.models import (
    ChecklistItem,
    PathwayTemplate,
    StopPointDefinition,
    TemplateVersion,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def local(
    admin: User, municipality: Organisation, national: dict[str, PathwayTemplate]
) -> PathwayTemplate:
    return services.template_copy(
        actor=admin,
        template=national["hph"],
        organisation=municipality,
        name="HPH Testvik",
        code="hph-testvik",
    )


@pytest.fixture
def outsider(other_municipality: Organisation, make_member: Callable[..., User]) -> User:
    unit = UnitFactory(organisation=other_municipality, kind=Unit.Kind.HOME_CARE, code="andrevik-1")
    return make_member(unit, Role.ADMINISTRATOR, username="outsider")


def _client(user: User | None) -> Client:
    client = Client(headers={"Accept-Language": "en"})  # assert on English messages
    client.cookies["django_language"] = "en"
    if user is not None:
        client.force_login(user)
    return client


def _snapshot(template: PathwayTemplate) -> list[tuple[object, ...]]:
    return list(
        StopPointDefinition.objects.filter(version__template=template)
        .order_by("version__number", "order")
        .values_list(
            "version__number",
            "version__status",
            "code",
            "deadline_amount",
            "deadline_unit",
            "title",
        )
    )


def test_permission_ladder_on_a_municipality_template(
    local: PathwayTemplate,
    outsider: User,
    nurse: User,
    admin: User,
    national: dict[str, PathwayTemplate],
) -> None:
    # given
    draft = local.versions.get()
    hph2 = draft.definitions.get(code="HPH2")
    detail = reverse("authoring:detail", args=[local.pk])
    edit = reverse("authoring:version-edit", args=[draft.pk])
    update = reverse("authoring:definition-update", args=[hph2.pk])
    data = {f"d{hph2.pk}-{k}": v for k, v in DefinitionFormData.of(hph2, deadline_amount=2).items()}
    before = _snapshot(local)

    # anonymous: sent to the login page, nothing changes
    for url in (detail, edit):
        response = _client(None).get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    assert _client(None).post(update, data).status_code == 302

    # another municipality: the template does not exist for them
    outsider_client = _client(outsider)
    assert outsider_client.get(detail).status_code == 404
    assert outsider_client.get(edit).status_code == 404
    assert outsider_client.post(update, data).status_code == 404
    listing = outsider_client.get(reverse("authoring:list"))
    assert listing.status_code == 200
    listed = {row["template"].pk for row in listing.context["rows"]}
    assert national["hph"].pk in listed  # the national templates are there for everyone
    assert local.pk not in listed
    assert "HPH Testvik" not in listing.content.decode()

    # a reader (nurse in the municipality): reads, may not edit
    reader = _client(nurse)
    response = reader.get(detail)
    assert response.status_code == 200
    assert "HPH Testvik" in response.content.decode()
    assert reader.get(edit).status_code == 403
    assert reader.post(update, data).status_code == 403
    assert _snapshot(local) == before

    # an administrator of the municipality edits
    response = _client(admin).post(update, data)
    assert response.status_code == 302
    hph2.refresh_from_db()
    assert hph2.deadline_amount == 2


class DefinitionFormData:
    @staticmethod
    def of(definition: StopPointDefinition, **changes: object) -> dict[str, object]:
        values: dict[str, object] = {
            name: getattr(definition, name) for name in services.DEFINITION_FIELDS
        }
        values.update(changes)
        data: dict[str, object] = {}
        for name, value in values.items():
            if isinstance(value, bool):
                if value:
                    data[name] = "on"
            elif value is None:
                data[name] = ""
            else:
                data[name] = value
        return data


def test_national_default_is_read_only_but_can_be_copied(
    national: dict[str, PathwayTemplate], admin: User, municipality: Organisation
) -> None:
    # given
    hph = national["hph"]
    client = _client(admin)
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
    response = _client(admin).post(
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
    client = _client(admin)
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
    response = _client(nurse).post(
        reverse("authoring:copy", args=[national["hph"].pk]),
        {"organisation": municipality.pk, "name": "Kopi", "code": "kopi"},
    )
    assert response.status_code == 403
    assert not PathwayTemplate.objects.filter(code="kopi").exists()


def test_list_shows_defaults_and_own_templates(
    local: PathwayTemplate, nurse: User, django_assert_max_num_queries: Callable[..., object]
) -> None:
    # given
    client = _client(nurse)
    client.get(reverse("authoring:list"))  # warm the session

    # when
    with django_assert_max_num_queries(10):  # constant: no query per template
        response = client.get(reverse("authoring:list"))

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "Helhetlig pasientforløp i hjemmet" in body
    assert "HPH Testvik" in body


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
    local: PathwayTemplate, admin: User, changes: dict[str, object], message: str
) -> None:
    # given
    hph2 = StopPointDefinition.objects.get(version__template=local, code="HPH2")
    data = {f"d{hph2.pk}-{k}": v for k, v in DefinitionFormData.of(hph2, **changes).items()}
    before = _snapshot(local)
    url = reverse("authoring:definition-update", args=[hph2.pk])

    # when: a plain post, then the same with htmx
    plain = _client(admin).post(url, data)
    htmx = _client(admin).post(url, data, headers={"HX-Request": "true"})

    # then
    assert plain.status_code == 400
    assert message in plain.content.decode()
    assert htmx.status_code == 200
    assert message in htmx.content.decode()
    assert f'id="definition-{hph2.pk}"' in htmx.content.decode()
    assert "<html" not in htmx.content.decode()
    assert _snapshot(local) == before
    assert not AuditEvent.objects.filter(verb=AuditVerb.TEMPLATE_EDITED).exists()


def test_htmx_definition_edit_returns_the_card(local: PathwayTemplate, admin: User) -> None:
    # given
    hph2 = StopPointDefinition.objects.get(version__template=local, code="HPH2")
    data = {f"d{hph2.pk}-{k}": v for k, v in DefinitionFormData.of(hph2, deadline_amount=2).items()}

    # when
    response = _client(admin).post(
        reverse("authoring:definition-update", args=[hph2.pk]),
        data,
        headers={"HX-Request": "true"},
    )

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "2 calendar days after arrival home" in body
    assert "Saved." in body


def test_item_create_update_delete_through_the_page(local: PathwayTemplate, admin: User) -> None:
    # given
    hph2 = StopPointDefinition.objects.get(version__template=local, code="HPH2")
    client = _client(admin)
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
    local: PathwayTemplate, admin: User
) -> None:
    # given the weight question of the draft (20–300 kg as shipped)
    weight = ChecklistItem.objects.get(definition__version__template=local, key="ernaering-vekt")
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


def test_publish_then_edits_are_refused(local: PathwayTemplate, admin: User) -> None:
    # given
    draft = local.versions.get()
    hph2 = draft.definitions.get(code="HPH2")
    client = _client(admin)

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
    before = _snapshot(local)
    data = {f"d{hph2.pk}-{k}": v for k, v in DefinitionFormData.of(hph2, deadline_amount=9).items()}
    response = client.post(reverse("authoring:definition-update", args=[hph2.pk]), data)
    assert response.status_code == 400
    assert "is published and can no longer change" in response.content.decode()
    assert _snapshot(local) == before

    # and the edit page sends the user to the read-only page
    response = client.get(reverse("authoring:version-edit", args=[draft.pk]))
    assert response.status_code == 302

    # when: a new draft
    response = client.post(reverse("authoring:version-create", args=[local.pk]))
    new_draft = local.versions.get(number=2)
    assert response["Location"] == reverse("authoring:version-edit", args=[new_draft.pk])
    assert client.get(response["Location"]).status_code == 200


def test_diff_page(local: PathwayTemplate, admin: User, nurse: User) -> None:
    # given
    v1 = services.version_publish(actor=admin, version=local.versions.get(), notes="v1")
    v2 = services.version_draft_create(actor=admin, template=local)
    services.definition_update(
        actor=admin, definition=v2.definitions.get(code="HPH5"), deadline_amount=21
    )
    url = reverse("authoring:version-diff", args=[local.pk])

    # when
    response = _client(nurse).get(url, {"old": v1.number, "new": v2.number})

    # then
    body = response.content.decode()
    assert response.status_code == 200
    # the field by its name (translated), not the model's (issue 10, item 10)
    assert '<td data-field="deadline_amount">Deadline</td>' in body
    assert ">deadline_amount<" not in body
    assert "Fireukerssamtale" in body
    assert _client(nurse).get(url, {"old": 1, "new": 1}).status_code == 400


def test_diff_page_opens_on_the_previous_version_and_labels_superseded_ones(
    local: PathwayTemplate, admin: User, nurse: User
) -> None:
    # given v1 and v2 published (v1 superseded) and a draft v3 that changes HPH5's deadline
    services.version_publish(actor=admin, version=local.versions.get(), notes="v1")
    services.version_publish(
        actor=admin, version=services.version_draft_create(actor=admin, template=local), notes="v2"
    )
    v3 = services.version_draft_create(actor=admin, template=local)
    services.definition_update(
        actor=admin, definition=v3.definitions.get(code="HPH5"), deadline_amount=21
    )
    # when the page is opened without choosing
    response = _client(nurse).get(reverse("authoring:version-diff", args=[local.pk]))
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
    local: PathwayTemplate, admin: User, nurse: User, national: dict[str, PathwayTemplate]
) -> None:
    # given the municipality's copy, with HPH5's deadline changed in its only version
    services.definition_update(
        actor=admin,
        definition=local.versions.get().definitions.get(code="HPH5"),
        deadline_amount=21,
    )
    url = reverse("authoring:version-diff", args=[local.pk])
    # when the page opens: against the national template's newest version
    response = _client(nurse).get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["old"].template == national["hph"]
    assert "(copied from)" in body
    assert '<td data-field="deadline_amount">Deadline</td>' in body
    # and it may be chosen explicitly, or an own version; a made-up one is refused, not a 500
    assert _client(nurse).get(url, {"old": "origin-1", "new": 1}).status_code == 200
    assert _client(nurse).get(url, {"old": "origin-99", "new": 1}).status_code == 400
    assert _client(nurse).get(url, {"old": "1", "new": 1}).status_code == 400
    assert _client(nurse).get(url, {"old": "x", "new": "y"}).status_code == 400
    # the national template itself has nothing it was copied from: one version, no comparison
    national_page = _client(nurse).get(reverse("authoring:version-diff", args=[national["hph"].pk]))
    assert national_page.status_code == 200
    assert national_page.context["diff"] is None


def test_migrate_page_previews_then_moves(local: PathwayTemplate, admin: User, nurse: User) -> None:
    # given
    v1 = services.version_publish(actor=admin, version=local.versions.get(), notes="v1")
    v2 = services.version_publish(
        actor=admin,
        version=services.version_draft_create(actor=admin, template=local),
        notes="v2",
    )
    url = reverse("authoring:pathways-migrate", args=[local.pk])

    # then: readers may not
    assert _client(nurse).get(url).status_code == 403
    assert _client(nurse).post(url, {"old": 1, "new": 2}).status_code == 403

    # when: preview
    response = _client(admin).get(url, {"old": v1.number, "new": v2.number})
    assert response.status_code == 200
    assert "0 running pathways on v1 will move to v2" in response.content.decode()

    # when: a draft as target
    services.version_draft_create(actor=admin, template=local)
    response = _client(admin).post(url, {"old": 1, "new": 3})
    assert response.status_code == 400
    assert "published version" in response.content.decode()

    # when: confirm
    response = _client(admin).post(url, {"old": 1, "new": 2})
    assert response.status_code == 302
