"""Interop fixtures: a small world (municipality, hospital, GP office), system clients with real
key pairs, and a helper that runs the whole token exchange."""

from __future__ import annotations

import json
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from authlib.oauth2.rfc7523 import private_key_jwt_sign
from django.test import Client
from joserfc.jwk import RSAKey

from forlop.authoring.defaults import install_national_defaults
from forlop.core.identifiers import generate_synthetic
from forlop.core.models import Organisation, Role, Unit, User
from forlop.core.tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    UnitFactory,
    UserFactory,
)
from forlop.interop.models import SystemClient
from forlop.interop.services import system_client_register
from forlop.pathways.models import TemplateVersion
from forlop.patients.models import Patient, PatientService

TOKEN_URL = "https://testserver/fhir/r4/auth/token"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@pytest.fixture(scope="session")
def key_pair() -> RSAKey:
    return RSAKey.generate_key(2048, private=True)


@pytest.fixture(scope="session")
def other_key() -> RSAKey:
    return RSAKey.generate_key(2048, private=True)


def public_jwks(key: RSAKey) -> dict[str, Any]:
    return {"keys": [key.as_dict(private=False)]}


@dataclass
class World:
    municipality: Organisation
    district: Unit
    allocation: Unit
    hospital: Organisation
    ward: Unit
    gp_office: Organisation
    practice: Unit
    gp: User
    nurse: User
    allocator: User
    patient: Patient
    hph: TemplateVersion


@pytest.fixture
def world(db: None) -> World:
    municipality = OrganisationFactory(
        kind=Organisation.Kind.MUNICIPALITY,
        name="Testvik kommune",
        code="testvik",
        municipality_number="3999",
    )
    district = UnitFactory(
        organisation=municipality,
        kind=Unit.Kind.HOME_CARE,
        name="Hjemmetjenesten nord",
        code="testvik-nord",
    )
    allocation = UnitFactory(
        organisation=municipality,
        kind=Unit.Kind.ALLOCATION_OFFICE,
        name="Tildelingskontoret",
        code="testvik-tildeling",
    )
    hospital = OrganisationFactory(
        kind=Organisation.Kind.HOSPITAL_TRUST, name="Sykehuset Testfold", code="stf"
    )
    ward = UnitFactory(
        organisation=hospital,
        kind=Unit.Kind.HOSPITAL_WARD,
        name="Medisinsk sengepost",
        code="stf-med",
    )
    gp_office = OrganisationFactory(
        kind=Organisation.Kind.GP_OFFICE,
        name="Testvik legesenter",
        code="testvik-lege",
        municipality=municipality,
    )
    practice = UnitFactory(
        organisation=gp_office,
        kind=Unit.Kind.GP_PRACTICE,
        name="Testvik legesenter",
        code="testvik-legepraksis",
    )
    gp = UserFactory(username="gp", first_name="Gunnar", last_name="Lege", hpr_number="9144889")
    MembershipFactory(user=gp, unit=practice, role=Role.GP)
    nurse = UserFactory(username="nurse", first_name="Nina", last_name="Nord")
    MembershipFactory(user=nurse, unit=district, role=Role.PRIMARY_CONTACT)
    allocator = UserFactory(username="allocator", first_name="Tor", last_name="Tildeler")
    MembershipFactory(user=allocator, unit=allocation, role=Role.ALLOCATION_OFFICE)
    rng = random.Random(15)
    patient = Patient.objects.create(
        given_name="Kari",
        family_name="Testesen",
        identity_number=generate_synthetic(date(1941, 3, 9), rng=rng),
        id_kind=Patient.IdKind.FNR,
        synthetic=True,
        birth_date=date(1941, 3, 9),
        municipality=municipality,
        gp=gp,
        primary_contact=nurse,
        address="Storgata 1",
        postal_code="3100",
        city="Testvik",
    )
    for unit in (district, allocation, practice):
        PatientService.objects.create(patient=patient, unit=unit, started_on=date(2025, 1, 1))
    hph = install_national_defaults()["hph"].versions.get(status=TemplateVersion.Status.PUBLISHED)
    return World(
        municipality,
        district,
        allocation,
        hospital,
        ward,
        gp_office,
        practice,
        gp,
        nurse,
        allocator,
        patient,
        hph,
    )


@pytest.fixture
def register(world: World, key_pair: RSAKey) -> Callable[..., SystemClient]:
    def make(
        client_id: str,
        organisation: Organisation,
        units: list[tuple[Unit, str]],
        scopes: str = "system/*.read",
        key: RSAKey | None = None,
    ) -> SystemClient:
        return system_client_register(
            actor=None,
            organisation=organisation,
            client_id=client_id,
            name=f"EPJ {client_id}",
            jwks=public_jwks(key or key_pair),
            scopes=scopes,
            memberships=units,
        )

    return make


@pytest.fixture
def hospital_client(world: World, register: Callable[..., SystemClient]) -> SystemClient:
    return register(
        "stf-epic",
        world.hospital,
        [(world.ward, Role.HOSPITAL_NURSE)],
        scopes="system/*.read system/Encounter.write system/Patient.read",
    )


@pytest.fixture
def gp_client(world: World, register: Callable[..., SystemClient]) -> SystemClient:
    return register(
        "testvik-legesenter",
        world.gp_office,
        [(world.practice, Role.GP)],
        scopes="system/*.read system/Task.write system/QuestionnaireResponse.write",
    )


@pytest.fixture
def home_care_client(world: World, register: Callable[..., SystemClient]) -> SystemClient:
    return register(
        "testvik-gerica",
        world.municipality,
        [(world.district, Role.PRIMARY_CONTACT), (world.allocation, Role.ALLOCATION_OFFICE)],
        scopes="system/*.read system/Task.write system/QuestionnaireResponse.write",
    )


def make_assertion(
    client_id: str,
    key: RSAKey,
    *,
    audience: str = TOKEN_URL,
    lifetime: int = 120,
    issued_at: int | None = None,
    jti: str | None = None,
) -> str:
    now = issued_at if issued_at is not None else int(time.time())
    return private_key_jwt_sign(
        key,
        client_id=client_id,
        token_endpoint=audience,
        alg="RS384",
        claims={"jti": jti or str(uuid.uuid4()), "iat": now, "exp": now + lifetime},
    )


def token_request(
    http: Client, client_id: str, key: RSAKey, scope: str = "system/*.read", **kwargs: Any
) -> Any:
    return http.post(
        "/fhir/r4/auth/token",
        data=urlencode(
            {
                "grant_type": "client_credentials",
                "scope": scope,
                "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": make_assertion(client_id, key, **kwargs),
            }
        ),
        content_type="application/x-www-form-urlencoded",
        secure=True,
    )


@pytest.fixture
def token_for(client: Client, key_pair: RSAKey) -> Callable[..., str]:
    def get(system_client: SystemClient, scope: str | None = None) -> str:
        response = token_request(
            client, system_client.client_id, key_pair, scope=scope or system_client.scopes
        )
        assert response.status_code == 200, response.content
        return str(response.json()["access_token"])

    return get


class Fhir:
    """A FHIR client over Django's test client with a bearer token."""

    def __init__(self, http: Client, token: str) -> None:
        self.http = http
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **headers: str) -> Any:
        return self.http.get(f"/fhir/r4/{path}", headers={**self.headers, **headers}, secure=True)

    def post(self, path: str, body: Any, **headers: str) -> Any:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        return self.http.post(
            f"/fhir/r4/{path}",
            data=data,
            content_type="application/fhir+json",
            headers={**self.headers, **headers},
            secure=True,
        )

    def put(self, path: str, body: Any, **headers: str) -> Any:
        return self.http.put(
            f"/fhir/r4/{path}",
            data=json.dumps(body),
            content_type="application/fhir+json",
            headers={**self.headers, **headers},
            secure=True,
        )

    def search_post(self, resource_type: str, form: dict[str, str]) -> Any:
        return self.http.post(
            f"/fhir/r4/{resource_type}/_search",
            data=urlencode(form),
            content_type="application/x-www-form-urlencoded",
            headers=self.headers,
            secure=True,
        )


@pytest.fixture
def fhir_as(client: Client, token_for: Callable[..., str]) -> Callable[..., Fhir]:
    def make(system_client: SystemClient, scope: str | None = None) -> Fhir:
        return Fhir(client, token_for(system_client, scope))

    return make


def aware(*args: int) -> datetime:
    from forlop.pathways.rules import OSLO

    return datetime(*args, tzinfo=OSLO)
