"""The JSON API: its OpenAPI document, property-based tests against it (schemathesis, bounded
examples), and the access rule through it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
import schemathesis
import time_machine
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from forlop.interop.models import SystemClient
from forlop.interop.tests.conftest import World
from forlop.interop.tests.scenario import running_pathway

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_schema(db: None) -> schemathesis.BaseSchema:
    with _connection_kept():
        return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@contextmanager
def _connection_kept() -> Iterator[None]:
    """Plain WSGI calls start and end with close_old_connections, which would close the test's
    connection (and its transaction) on PostgreSQL; Django's test client unhooks it the same
    way around each request (and hooks it back after, so this wraps each call)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_token(world: World, home_care_client: SystemClient, token_for: Callable[..., str]) -> str:
    running_pathway(world, now=timezone.now())
    return token_for(home_care_client)


def test_api_never_500s_and_answers_match_the_schema(
    api_schema: schemathesis.BaseSchema, api_token: str
) -> None:
    """Every operation, with examples generated from the OpenAPI document (bounded so the
    suite stays quick). schemathesis's pytest plugin does not run under this pytest, so the
    operations are walked here with the same strategies and checks."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 6
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def check(case: schemathesis.Case) -> None:
            with _connection_kept():
                response = case.call(headers={"Authorization": f"Bearer {api_token}"})
            case.validate_response(
                response,
                checks=[not_a_server_error, response_schema_conformance, status_code_conformance],
            )

        check()


def test_openapi_document_at_a_stable_url(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["info"]["title"] == "Forløp API"
    assert sorted(document["paths"]) == [
        "/api/v1/measures/scopes",
        "/api/v1/measures/{level}/{code}",
        "/api/v1/measures/{level}/{code}/{measure}/series",
        "/api/v1/pathways/{pathway_id}",
        "/api/v1/worklist",
        "/api/v1/worklist/counts",
    ]


def test_a_nul_byte_is_refused_in_the_documented_json_shape(client: Client, api_token: str) -> None:
    # given a query string with a NUL byte (refused at the edge, before the API: a 400)
    headers = {"Authorization": f"Bearer {api_token}"}
    # when
    api = client.get("/api/v1/worklist?unit=%00%C3%92", headers=headers, secure=True)
    page = client.get("/pathways/worklist/?unit=%00", secure=True)
    # then the API answers with its documented error in JSON, and a page with the HTML page
    assert api.status_code == 400
    assert api["Content-Type"] == "application/json"
    assert set(api.json()) == {"detail"}
    assert page.status_code == 400
    assert page["Content-Type"].startswith("text/html")
    document = client.get("/api/v1/openapi.json").json()
    assert all(
        "400" in operation["responses"]
        for path in document["paths"].values()
        for operation in path.values()
    )


def test_work_list_and_pathway_follow_the_access_rule(
    client: Client,
    world: World,
    home_care_client: SystemClient,
    hospital_client: SystemClient,
    token_for: Callable[..., str],
) -> None:
    with time_machine.travel("2026-11-25 12:00 +01:00", tick=False):
        pathway = running_pathway(world)
        home = {"Authorization": f"Bearer {token_for(home_care_client)}"}
        hospital = {"Authorization": f"Bearer {token_for(hospital_client)}"}
        assert client.get("/api/v1/worklist", secure=True).status_code == 401
        mine = client.get("/api/v1/worklist", headers=home, secure=True).json()
        assert [i["code"] for i in mine["overdue"] + mine["due_today"] + mine["due_this_week"]] == [
            "HPH1",
            "DAILY",
            "HPH2",
        ]
        assert "identity_number" not in str(mine)
        assert world.patient.identity_number not in str(mine)
        detail = client.get(f"/api/v1/pathways/{pathway.pk}", headers=home, secure=True)
        assert detail.status_code == 200
        assert (
            detail.json()["stop_points"][0]["code"] == "HPH1"
        )  # due on the discharge day, from 00:00
        assert (
            client.get(f"/api/v1/pathways/{pathway.pk}", headers=hospital, secure=True).status_code
            == 404
        )
        # a person through the session
        client.force_login(world.nurse)
        assert client.get("/api/v1/worklist/counts", secure=True).json() == {
            "overdue": 2,  # the nurse's own list (the stop points of her role)
            "today": 0,
        }
