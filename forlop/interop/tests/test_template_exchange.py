"""Templates travel through the real interfaces (issue 15, item 4): the Export button and the
import page on the template pages, and ``forlop template_export`` / ``template_import``.

The round trip gives the same template (stop points with owners, parts and deadlines, and
every checklist item); a bad file gets a clear Norwegian message and saves nothing; a double
submit imports once; an import goes only into the user's own organisation."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from forlop.authoring import services as authoring
from forlop.authoring.defaults import install_national_defaults
from forlop.authoring.fields import DEFINITION_FIELDS, ITEM_FIELDS
from forlop.core.models import AuditEvent, Organisation, Role, Unit, User
from forlop.core.submit_once import FIELD
from forlop.interop.pages.views import SESSION_KEY
from forlop.pathways import models as pm

pytestmark = pytest.mark.django_db

# Every field a version carries (the lists copying, drafts and comparison use): the round
# trip must keep them all, also one added later.


def content(version: pm.TemplateVersion) -> list[Any]:
    return [
        (
            [getattr(d, f) for f in DEFINITION_FIELDS],
            [[getattr(i, f) for f in ITEM_FIELDS] for i in d.items.order_by("order", "pk")],
        )
        for d in version.definitions.order_by("order", "pk")
    ]


def token() -> str:
    return uuid.uuid4().hex


@pytest.fixture
def source(district: Unit, make_member: Callable[..., User]) -> pm.TemplateVersion:
    """Testvik's own HPH, published, with a deadline and an item changed from the national."""
    editor = make_member(district, Role.ADMINISTRATOR, username="testvik-admin")
    national = install_national_defaults()["hph"]
    local = authoring.template_copy(
        actor=editor,
        template=national,
        organisation=district.organisation,
        name="HPH Testvik",
        code="hph-testvik",
    )
    draft = local.versions.get()
    hph3 = draft.definitions.get(code="HPH3")
    hph3.deadline_amount = 10
    hph3.save()
    item = hph3.items.order_by("order").first()
    assert item is not None
    item.text = "Legen har gått gjennom legemidlene (Testvik)"
    item.save()
    return authoring.version_publish(actor=editor, version=draft, notes="Testviks HPH")


@pytest.fixture
def neighbour_admin(other_municipality: Organisation, make_member: Callable[..., User]) -> User:
    unit = Unit.objects.create(
        organisation=other_municipality,
        kind=Unit.Kind.HOME_CARE,
        name="Hjemmetjenesten Andrevik",
        code="andrevik-hjem",
    )
    return make_member(unit, Role.ADMINISTRATOR, username="andrevik-admin")


def export_file(client: Client, version: pm.TemplateVersion) -> bytes:
    url = reverse("template-exchange:export", args=[version.template_id])
    response = client.get(url, {"version": version.number})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert response["Content-Disposition"] == (
        f'attachment; filename="forlop-mal-{version.template.code}-v{version.number}.json"'
    )
    return response.content


def upload(client: Client, data: bytes, organisation: Organisation, name: str = "mal.json") -> Any:
    return client.post(
        reverse("template-exchange:import"),
        {
            "step": "upload",
            "organisation": organisation.pk,
            "file": SimpleUploadedFile(name, data, content_type="application/json"),
            FIELD: token(),
        },
    )


def confirm(
    client: Client, organisation: Organisation, *, code: str, name: str, **extra: Any
) -> Any:
    data = {
        "step": "confirm",
        "digest": client.session[SESSION_KEY]["digest"],
        "organisation": organisation.pk,
        "code": code,
        "name": name,
        FIELD: token(),
        **extra,
    }
    return client.post(reverse("template-exchange:import"), data)


def test_export_then_import_through_the_pages_gives_the_same_template(
    client: Client,
    source: pm.TemplateVersion,
    neighbour_admin: User,
    other_municipality: Organisation,
) -> None:
    # given: Testvik's editor downloads the file from the template's page
    client.force_login(User.objects.get(username="testvik-admin"))
    detail = client.get(reverse("authoring:detail", args=[source.template_id])).content.decode()
    export_url = reverse("template-exchange:export", args=[source.template_id])
    assert f'href="{export_url}?version=1"' in detail
    data = export_file(client, source)
    # when: the neighbour's administrator uploads it
    client.force_login(neighbour_admin)
    listing = client.get(reverse("authoring:list")).content.decode()
    assert f'href="{reverse("template-exchange:import")}">Importer mal</a>' in listing
    before = (pm.PathwayTemplate.objects.count(), AuditEvent.objects.count())
    preview = upload(client, data, other_municipality)
    # then: a preview, nothing saved yet
    assert preview.status_code == 200
    page = preview.content.decode()
    items = pm.ChecklistItem.objects.filter(definition__version=source).count()
    assert f"{source.definitions.count()} stoppunkter · {items} sjekklistepunkter" in page
    assert "10 kalenderdager etter" in page  # HPH3's changed deadline
    assert "Fastlege" in page  # HPH3's GP part
    assert (pm.PathwayTemplate.objects.count(), AuditEvent.objects.count()) == before
    assert preview.context["confirm_form"].initial["code"] == "hph-testvik-andrevik"
    # when: confirmed under a name and code of their own
    done = confirm(client, other_municipality, code="hph-andrevik", name="HPH Andrevik")
    # then
    imported = pm.PathwayTemplate.objects.get(code="hph-andrevik")
    assert done.status_code == 302
    assert done["Location"] == reverse("authoring:detail", args=[imported.pk])
    version = imported.versions.get()
    assert (imported.organisation, imported.name, imported.national_default) == (
        other_municipality,
        "HPH Andrevik",
        False,
    )
    assert (version.number, version.status, version.published_by) == (
        1,
        pm.TemplateVersion.Status.PUBLISHED,
        neighbour_admin,
    )
    assert content(version) == content(source)
    assert version.definitions.get(code="HPH3").deadline_amount == 10
    assert version.definitions.get(code="HPH3").parts == source.definitions.get(code="HPH3").parts
    assert SESSION_KEY not in client.session


def test_the_export_is_valid_fhir_and_readers_only(
    client: Client, source: pm.TemplateVersion, neighbour_admin: User, nurse: User
) -> None:
    from forlop.interop.fhir.templates import template_file_read

    client.force_login(nurse)  # a nurse of Testvik may read, so may download
    file = template_file_read(export_file(client, source))
    assert (file.code, file.plan["version"], file.plan["status"]) == ("hph-testvik", "1", "active")
    assert len(file.questionnaires) == source.definitions.count()
    client.force_login(neighbour_admin)  # another municipality's template: not found
    url = reverse("template-exchange:export", args=[source.template_id])
    assert client.get(url).status_code == 404
    assert client.get(url, {"version": "x"}).status_code == 404


def _bundle_with(change: Callable[[dict[str, Any]], None], source: pm.TemplateVersion) -> bytes:
    from forlop.interop.fhir.templates import template_bundle

    bundle = template_bundle(version=source, base="https://testvik.example/fhir/r4")
    change(bundle)
    return json.dumps(bundle).encode()


def _unknown_role(bundle: dict[str, Any]) -> None:
    bundle["entry"][0]["resource"]["action"][0]["participant"][0]["role"]["coding"][0]["code"] = (
        "vaktmester"
    )


def _no_checklist(bundle: dict[str, Any]) -> None:
    del bundle["entry"][1]


def _broken_structure(bundle: dict[str, Any]) -> None:
    bundle["entry"][0]["resource"]["action"] = "ikke en liste"


def _text_for_a_number(bundle: dict[str, Any]) -> None:
    for extension in bundle["entry"][0]["resource"]["action"][0]["extension"]:
        for part in extension.get("extension") or []:
            if part["url"] == "amount":
                part.pop("valueInteger", None)
                part["valueString"] = "tre"


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("not-json", "Filen er ikke gyldig JSON."),
        ("patient", "Forventet en Bundle-ressurs. (resourceType)"),
        (
            "unknown-role",
            "Koden er ikke en Forløp godtar her. (PlanDefinition.action[0].participant[0].role)",
        ),
        ("no-checklist", "Sjekklisten dette stoppunktet viser til, er ikke i filen."),
        ("broken", "Elementet følger ikke FHIR R4-definisjonen"),
        ("text-for-number", "Malfilen har en verdi Forløp ikke kan lese."),
    ],
)
def test_a_bad_file_gets_a_clear_message_and_nothing_is_saved(
    client: Client,
    source: pm.TemplateVersion,
    neighbour_admin: User,
    other_municipality: Organisation,
    case: str,
    message: str,
) -> None:
    data = {
        "not-json": lambda: b"{ dette er ikke json",
        "patient": lambda: b'{"resourceType": "Patient"}',
        "unknown-role": lambda: _bundle_with(_unknown_role, source),
        "no-checklist": lambda: _bundle_with(_no_checklist, source),
        "broken": lambda: _bundle_with(_broken_structure, source),
        "text-for-number": lambda: _bundle_with(_text_for_a_number, source),
    }[case]()
    client.force_login(neighbour_admin)
    before = (
        pm.PathwayTemplate.objects.count(),
        pm.StopPointDefinition.objects.count(),
        AuditEvent.objects.count(),
    )
    response = upload(client, data, other_municipality)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert SESSION_KEY not in client.session
    assert (
        pm.PathwayTemplate.objects.count(),
        pm.StopPointDefinition.objects.count(),
        AuditEvent.objects.count(),
    ) == before


def test_a_file_over_the_cap_is_refused(
    client: Client, settings: Any, neighbour_admin: User, other_municipality: Organisation
) -> None:
    settings.FORLOP_MAX_UPLOAD_BYTES = 1000
    client.force_login(neighbour_admin)
    response = upload(
        client,
        b'{"resourceType": "Bundle", "type": "collection"}' + b" " * 5000,
        other_municipality,
    )
    assert response.status_code == 400
    assert "Filen er for stor (høyst 1000\xa0byte)." in response.content.decode()
    assert pm.PathwayTemplate.objects.count() == 0


def test_a_double_submit_imports_once(
    client: Client,
    source: pm.TemplateVersion,
    neighbour_admin: User,
    other_municipality: Organisation,
) -> None:
    data = export_file(client_for(client, "testvik-admin"), source)
    client.force_login(neighbour_admin)
    assert upload(client, data, other_municipality).status_code == 200
    form = {
        "step": "confirm",
        "digest": client.session[SESSION_KEY]["digest"],
        "organisation": other_municipality.pk,
        "code": "hph-andrevik",
        "name": "HPH Andrevik",
        FIELD: token(),
    }
    first = client.post(reverse("template-exchange:import"), form)
    second = client.post(reverse("template-exchange:import"), form)
    assert (first.status_code, second.status_code) == (302, 303)
    assert second["Location"] == first["Location"]
    # the same form with a new token: the preview is used up, nothing more is imported
    third = client.post(reverse("template-exchange:import"), {**form, FIELD: token()})
    assert third.status_code == 400
    assert "Forhåndsvisningen er utløpt" in third.content.decode()
    assert pm.PathwayTemplate.objects.filter(organisation=other_municipality).count() == 1


def client_for(client: Client, username: str) -> Client:
    client.force_login(User.objects.get(username=username))
    return client


def test_an_import_goes_only_into_the_users_own_organisation(
    client: Client,
    source: pm.TemplateVersion,
    neighbour_admin: User,
    other_municipality: Organisation,
    municipality: Organisation,
    nurse: User,
) -> None:
    data = export_file(client_for(client, "testvik-admin"), source)
    client.force_login(neighbour_admin)
    # another organisation in the upload: not a choice
    refused = upload(client, data, municipality)
    assert refused.status_code == 400
    assert SESSION_KEY not in client.session
    # nor in the confirmation
    assert upload(client, data, other_municipality).status_code == 200
    tampered = confirm(client, municipality, code="hph-andrevik", name="HPH")
    assert tampered.status_code == 400
    # a code in use: said, nothing saved
    taken = confirm(client, other_municipality, code="hph-testvik", name="HPH")
    assert taken.status_code == 400
    assert "Det finnes allerede en mal med denne koden." in taken.content.decode()
    assert pm.PathwayTemplate.objects.filter(organisation=other_municipality).count() == 0
    # a nurse edits no templates: no button, no page
    client.force_login(nurse)
    assert "Importer mal" not in client.get(reverse("authoring:list")).content.decode()
    assert client.get(reverse("template-exchange:import")).status_code == 403


def test_the_commands_round_trip_a_template(
    tmp_path: Path, source: pm.TemplateVersion, neighbour_admin: User, nurse: User
) -> None:
    path = tmp_path / "hph.json"
    call_command("template_export", "hph-testvik", "-o", str(path), stderr=StringIO())
    out = StringIO()
    call_command("template_import", str(path), "--user", "andrevik-admin", "--dry-run", stdout=out)
    assert out.getvalue().splitlines()[-1] == (
        f"Dry run: {source.definitions.count()} stop points; nothing saved."
    )
    assert pm.PathwayTemplate.objects.filter(code="hph-testvik-andrevik").count() == 0
    with pytest.raises(CommandError, match=r"A template with this code already exists\."):
        call_command(
            "template_import",
            str(path),
            "--user",
            "andrevik-admin",
            "--code",
            "hph-testvik",
            stdout=StringIO(),
        )
    with pytest.raises(CommandError, match="does not edit the templates of 'testvik'"):
        call_command(
            "template_import",
            str(path),
            "--user",
            "andrevik-admin",
            "--org",
            "testvik",
            stdout=StringIO(),
        )
    with pytest.raises(CommandError, match="no organisation"):
        call_command("template_import", str(path), "--user", nurse.username, stdout=StringIO())
    out = StringIO()
    call_command(
        "template_import",
        str(path),
        "--user",
        "andrevik-admin",
        "--code",
        "hph-andrevik",
        "--name",
        "HPH Andrevik",
        stdout=out,
    )
    assert out.getvalue().splitlines()[-1] == (
        f"Imported hph-andrevik (HPH Andrevik) into andrevik: v1 published, "
        f"{source.definitions.count()} stop points."
    )
    imported = pm.PathwayTemplate.objects.get(code="hph-andrevik")
    assert content(imported.versions.get()) == content(source)
    assert imported.organisation == neighbour_admin.memberships.get().unit.organisation
