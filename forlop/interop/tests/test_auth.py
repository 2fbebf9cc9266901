"""System clients: the whole token exchange with a real key pair, and every way it is refused."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from joserfc.jwk import RSAKey

from forlop.core.models import AuditEvent, AuditVerb, Role
from forlop.interop.fhir.auth import token_hash
from forlop.interop.fhir.scopes import READ, WRITE, allows, narrow_scopes
from forlop.interop.models import AccessToken, ClientAssertion, SystemClient
from forlop.interop.services import system_client_register, system_client_revoke
from forlop.interop.tests.conftest import World, make_assertion, public_jwks, token_request

pytestmark = pytest.mark.django_db


def test_whole_exchange_with_a_real_key_pair(
    client: Client, gp_client: SystemClient, key_pair: RSAKey
) -> None:
    # when
    response = token_request(
        client, gp_client.client_id, key_pair, scope="system/Task.write system/Patient.read"
    )
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert body["scope"] == "system/Task.write system/Patient.read"
    assert body["expires_in"] == 300
    assert response["Cache-Control"] == "no-store"
    stored = AccessToken.objects.get(client=gp_client)
    assert stored.token_hash == token_hash(body["access_token"])
    assert body["access_token"] not in str(AccessToken.objects.values_list())
    issued = AuditEvent.objects.get(verb=AuditVerb.TOKEN_ISSUED)
    assert issued.actor == gp_client.service_user
    assert issued.data == {
        "client": "testvik-legesenter",
        "scope": "system/Task.write system/Patient.read",
    }
    # the token works on the resource side
    task_search = client.get(
        "/fhir/r4/Task", headers={"Authorization": f"Bearer {body['access_token']}"}, secure=True
    )
    assert task_search.status_code == 403  # Task.write, not Task.read
    patients = client.get(
        "/fhir/r4/Patient", headers={"Authorization": f"Bearer {body['access_token']}"}, secure=True
    )
    assert patients.status_code == 200


def test_scopes_are_narrowed_to_what_the_client_may_have(
    client: Client, gp_client: SystemClient, key_pair: RSAKey
) -> None:
    response = token_request(
        client, gp_client.client_id, key_pair, scope="system/Task.write system/Encounter.write"
    )
    assert response.json()["scope"] == "system/Task.write"
    refused = token_request(client, gp_client.client_id, key_pair, scope="system/Encounter.write")
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_scope"


@pytest.mark.parametrize(
    ("case", "error"),
    [
        ("expired", "invalid_client"),
        ("too_long", "invalid_client"),
        ("wrong_key", "invalid_client"),
        ("wrong_audience", "invalid_client"),
        ("unknown_client", "invalid_client"),
    ],
)
def test_bad_assertions_are_refused(
    client: Client,
    gp_client: SystemClient,
    key_pair: RSAKey,
    other_key: RSAKey,
    case: str,
    error: str,
) -> None:
    now = int(time.time())
    kwargs: dict[str, object] = {
        "expired": {"issued_at": now - 600, "lifetime": 120},
        "too_long": {"lifetime": 3600},
        "wrong_key": {},
        "wrong_audience": {"audience": "https://elsewhere.example/token"},
        "unknown_client": {},
    }[case]
    key = other_key if case == "wrong_key" else key_pair
    client_id = "nobody" if case == "unknown_client" else gp_client.client_id
    # when
    response = token_request(client, client_id, key, **kwargs)
    # then
    assert response.status_code in (400, 401)
    assert response.json()["error"] == error
    assert AccessToken.objects.count() == 0


def test_a_replayed_assertion_is_refused(
    client: Client, gp_client: SystemClient, key_pair: RSAKey
) -> None:
    assertion = make_assertion(gp_client.client_id, key_pair, jti="one-time")
    form = {
        "grant_type": "client_credentials",
        "scope": "system/*.read",
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": assertion,
    }
    from urllib.parse import urlencode

    first = client.post(
        "/fhir/r4/auth/token",
        data=urlencode(form),
        content_type="application/x-www-form-urlencoded",
        secure=True,
    )
    second = client.post(
        "/fhir/r4/auth/token",
        data=urlencode(form),
        content_type="application/x-www-form-urlencoded",
        secure=True,
    )
    assert first.status_code == 200
    assert second.status_code in (400, 401)
    assert second.json() == {
        "error": "invalid_client",
        "error_description": "JWT ID is used before.",
    }
    assert AccessToken.objects.count() == 1
    assert ClientAssertion.objects.filter(client=gp_client, jti="one-time").count() == 1


def test_revoked_client_gets_no_token_and_its_tokens_stop(
    client: Client, gp_client: SystemClient, key_pair: RSAKey
) -> None:
    token = token_request(client, gp_client.client_id, key_pair).json()["access_token"]
    # when
    system_client_revoke(actor=None, client=gp_client, reason="Nøkkelen er kompromittert")
    # then
    assert token_request(client, gp_client.client_id, key_pair).status_code in (400, 401)
    assert (
        client.get(
            "/fhir/r4/Patient", headers={"Authorization": f"Bearer {token}"}, secure=True
        ).status_code
        == 401
    )
    gp_client.refresh_from_db()
    assert gp_client.service_user.is_active is False
    assert (
        AuditEvent.objects.filter(verb=AuditVerb.CLIENT_REVOKED, target_id=gp_client.pk).count()
        == 1
    )


def test_plain_http_is_refused_without_a_500(
    client: Client, gp_client: SystemClient, key_pair: RSAKey
) -> None:
    from urllib.parse import urlencode

    response = client.post(
        "/fhir/r4/auth/token",
        data=urlencode(
            {
                "grant_type": "client_credentials",
                "client_assertion": make_assertion(gp_client.client_id, key_pair),
            }
        ),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "insecure_transport"


def test_registration_refuses_private_keys_other_organisations_and_bad_scopes(
    world: World, key_pair: RSAKey
) -> None:
    def register(**overrides: object) -> SystemClient:
        args: dict[str, object] = {
            "actor": None,
            "organisation": world.gp_office,
            "client_id": "x",
            "name": "X",
            "jwks": public_jwks(key_pair),
            "scopes": "system/*.read",
            "memberships": [(world.practice, Role.GP)],
            **overrides,
        }
        return system_client_register(**args)  # type: ignore[arg-type]

    cases: list[tuple[str, dict[str, object]]] = [
        ("private_key", {"jwks": {"keys": [key_pair.as_dict(private=True)]}}),
        (
            "private_key",
            {"jwks": {"keys": [{"kty": "oct", "k": "c2VjcmV0IGtleSBvZiAxNiBi"}]}},
        ),  # a shared secret
        ("jwks", {"jwks": {"keys": [{"kty": "RSA"}]}}),
        ("wrong_organisation", {"memberships": [(world.district, Role.PRIMARY_CONTACT)]}),
        ("scopes", {"scopes": "user/*.read"}),
        ("role", {"memberships": [(world.practice, Role.ADMINISTRATOR)]}),
    ]
    for code, overrides in cases:
        with pytest.raises(ValidationError) as info:
            register(**overrides)
        assert info.value.code == code, code
    assert SystemClient.objects.count() == 0


def test_scope_rules() -> None:
    assert allows("system/*.read", "Task", READ)
    assert not allows("system/*.read", "Task", WRITE)
    assert allows("system/Task.write system/Task.read", "Task", READ | WRITE)
    assert allows("system/Task.cruds", "Task", WRITE)
    assert not allows("system/Patient.*", "Task", READ)
    assert narrow_scopes(requested=None, allowed=["system/*.read"]) == "system/*.read"
    assert (
        narrow_scopes(requested="system/Patient.read system/Task.write", allowed=["system/*.read"])
        == "system/Patient.read"
    )
    assert narrow_scopes(requested="openid", allowed=["system/*.read"]) is None


def test_a_client_sees_only_what_its_units_serve(
    world: World, register: Callable[..., SystemClient]
) -> None:
    """The mapping onto visible_to: the service user's memberships are the client's reach."""
    from django.utils import timezone

    from forlop.patients.models import Patient

    home = register("h", world.municipality, [(world.district, Role.PRIMARY_CONTACT)])
    hospital = register("s", world.hospital, [(world.ward, Role.HOSPITAL_NURSE)])
    now = timezone.now()
    assert list(Patient.objects.visible_to(home.service_user, now=now)) == [world.patient]
    assert list(Patient.objects.visible_to(hospital.service_user, now=now)) == []


def test_clients_command_registers_lists_and_revokes(
    world: World, key_pair: RSAKey, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    import io
    import json

    from django.core.management import call_command

    jwks = tmp_path / "public.jwks.json"
    jwks.write_text(json.dumps(public_jwks(key_pair)))
    out = io.StringIO()
    call_command(
        "clients",
        "register",
        "--org",
        world.hospital.code,
        "--id",
        "stf-dips",
        "--name",
        "DIPS",
        "--jwks",
        str(jwks),
        "--unit",
        f"{world.ward.code}:hospital_nurse",
        "--scopes",
        "system/*.read system/Encounter.write",
        stdout=out,
    )
    assert (
        out.getvalue()
        == "Registered stf-dips for Sykehuset Testfold (service user system-stf-dips).\n"
    )
    out = io.StringIO()
    call_command("clients", "list", stdout=out)
    assert (
        out.getvalue()
        == "stf-dips\tactive\tstf\tsystem/*.read system/Encounter.write\tstf-med:hospital_nurse\n"
    )
    call_command("clients", "revoke", "stf-dips", "--reason", "Byttet system", stdout=io.StringIO())
    assert SystemClient.objects.get(client_id="stf-dips").revoked_at is not None
