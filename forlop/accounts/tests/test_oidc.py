"""National login against a real OpenID Connect provider (django-oidc-provider in its own small
Django project, started here in its own process on 127.0.0.1): HelseID for staff, ID-porten for
patients. The whole round trip is real: discovery, the authorisation code with PKCE, state and
nonce, the token request with the client secret, the RS256-signed ID token checked against the
provider's JWKS, and the claims."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from forlop.accounts import oidc, services
from forlop.accounts.middleware import LOGIN_METHOD
from forlop.accounts.models import LoginIdentity
from forlop.core.tests import live
from forlop.patients.tests.factories import synthetic_number

STAFF_PID = synthetic_number()
PATIENT_PID = synthetic_number()
HPR = "9144889"
OP_USERS = {
    "hanne": ["Hanne", "Holm", "op-pass-hanne-1"],
    "ukjent": ["Ulla", "Ukjent", "op-pass-ukjent-1"],
    "astrid": ["Astrid", "Testesen", "op-pass-astrid-1"],
}
OP_CLAIMS = {
    "hanne": {"helseid://claims/identity/pid": STAFF_PID, "helseid://claims/hpr/hpr_number": HPR},
    "ukjent": {"helseid://claims/identity/pid": synthetic_number()},
    "astrid": {"pid": PATIENT_PID, "acr": "idporten-loa-high"},
}
SECRETS = {"forlop-helseid": "helseid-secret-1", "forlop-idporten": "idporten-secret-1"}


@dataclass
class Provider:
    url: str
    log: Path


@pytest.fixture(scope="session")
def provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Provider]:
    """The OpenID provider, in its own process, for the whole session."""
    work = tmp_path_factory.mktemp("oidc-op")
    port = live.free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "forlop.accounts.tests.oidc_op.settings",
        "FORLOP_TEST_OP_DB": str(work / "op.sqlite3"),
        "FORLOP_TEST_OP_URL": url,
        "FORLOP_TEST_OP_CLAIMS": json.dumps(OP_CLAIMS),
        "FORLOP_TEST_OP_SETUP": json.dumps(
            {
                "users": OP_USERS,
                "clients": {
                    "forlop-helseid": [
                        SECRETS["forlop-helseid"],
                        "http://testserver/login/oidc/helseid/callback/",
                    ],
                    "forlop-idporten": [
                        SECRETS["forlop-idporten"],
                        "http://testserver/login/oidc/idporten/callback/",
                    ],
                },
            }
        ),
    }
    python = sys.executable
    subprocess.run(  # noqa: S603 - our own test provider
        [python, "-m", "forlop.accounts.tests.oidc_op.setup_op"],
        env=env,
        cwd=live.ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    log = work / "op.log"
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603 - our own test provider
            [python, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
            env=env,
            cwd=live.ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{url}/.well-known/openid-configuration", timeout=2)
                break
            except requests.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(log.read_text()) from None
                time.sleep(0.2)
        yield Provider(url=url, log=log)
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def national_login_on(settings, provider):
    def config(name: str, **overrides: str) -> dict[str, str]:
        base = {
            "issuer": provider.url,
            "client_id": f"forlop-{name}",
            "client_secret": SECRETS[f"forlop-{name}"],
            "scope": "openid profile",
            "pid_claim": "helseid://claims/identity/pid" if name == "helseid" else "pid",
            "hpr_claim": "helseid://claims/hpr/hpr_number" if name == "helseid" else "",
            "acr_values": "" if name == "helseid" else "idporten-loa-high",
        }
        return {**base, **overrides}

    settings.FORLOP_OIDC = {"helseid": config("helseid"), "idporten": config("idporten")}
    settings.FORLOP_PASSWORD_SECOND_FACTOR = "totp"  # a national login needs no TOTP code
    return config


def round_trip(client: Client, provider_name: str, username: str) -> object:
    """A browser: start at Forløp, log in at the provider, come back with the code."""
    start = client.get(reverse("accounts:oidc-login", args=[provider_name]))
    assert start.status_code == 302
    authorize = start["Location"]
    for parameter in ("code_challenge=", "state=", "nonce="):
        assert parameter in authorize
    browser = requests.Session()
    to_login = browser.get(authorize, allow_redirects=False, timeout=10)
    login_url = requests.compat.urljoin(authorize, to_login.headers["Location"])
    page = browser.get(login_url, timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    next_value = re.search(r'name="next" value="([^"]*)"', page.text).group(1)
    posted = browser.post(
        login_url,
        data={
            "csrfmiddlewaretoken": token,
            "username": username,
            "password": OP_USERS[username][2],
            "next": next_value.replace("&amp;", "&"),
        },
        headers={"Referer": login_url},
        allow_redirects=False,
        timeout=10,
    )
    back = browser.get(
        requests.compat.urljoin(login_url, posted.headers["Location"]),
        allow_redirects=False,
        timeout=10,
    )
    callback = urlsplit(back.headers["Location"])
    assert callback.path == reverse("accounts:oidc-callback", args=[provider_name])
    return client.get(f"{callback.path}?{callback.query}")


@pytest.mark.django_db
def test_staff_log_in_with_helseid_linked_once_by_hpr_number(
    client, national_login_on, nurse, patient
):
    nurse.hpr_number = HPR
    nurse.save(update_fields=["hpr_number"])
    # the first login links the HelseID identity to the nurse by her HPR number
    response = round_trip(client, "helseid", "hanne")
    assert (response.status_code, response["Location"]) == (302, reverse("home"))
    assert client.session[SESSION_KEY] == str(nurse.pk)
    assert client.session[LOGIN_METHOD] == "helseid"
    # no TOTP step after a national login: the patient page opens
    assert client.get(reverse("patients:detail", args=[patient.pk])).status_code == 200
    link = LoginIdentity.objects.get()
    assert (link.user, link.provider) == (nurse, "helseid")
    assert STAFF_PID not in link.key  # only an HMAC of the number is kept
    # the next login finds the link, even after the HPR number changed
    nurse.hpr_number = ""
    nurse.save(update_fields=["hpr_number"])
    other = Client()
    assert round_trip(other, "helseid", "hanne").status_code == 302
    assert other.session[SESSION_KEY] == str(nurse.pk)


@pytest.mark.django_db
def test_a_helseid_person_without_a_forlop_user_is_refused(client, national_login_on, nurse):
    response = round_trip(client, "helseid", "ukjent")
    assert response.status_code == 403
    assert "ikke koblet til en bruker i Forløp" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert LoginIdentity.objects.count() == 0


@pytest.mark.django_db
def test_a_patient_logs_in_with_id_porten(client, national_login_on):
    from forlop.core.tests.factories import UserFactory

    portal_user = UserFactory(username="astrid-portal")
    services.login_identity_link(user=portal_user, provider="idporten", national_id=PATIENT_PID)
    response = round_trip(client, "idporten", "astrid")
    assert (response.status_code, response["Location"]) == (302, reverse("portal:home"))
    assert client.session[SESSION_KEY] == str(portal_user.pk)
    assert client.session[LOGIN_METHOD] == "idporten"


@pytest.mark.django_db
def test_a_person_without_a_portal_account_gets_no_session(client, national_login_on):
    response = round_trip(client, "idporten", "astrid")
    assert response.status_code == 403
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_a_forged_state_logs_nobody_in(client, national_login_on, nurse):
    nurse.hpr_number = HPR
    nurse.save(update_fields=["hpr_number"])
    client.get(reverse("accounts:oidc-login", args=["helseid"]))
    response = client.get(
        reverse("accounts:oidc-callback", args=["helseid"]), {"code": "x", "state": "forged"}
    )
    assert response.status_code == 400
    assert SESSION_KEY not in client.session


@pytest.mark.django_db
def test_a_wrong_client_secret_is_refused_by_the_provider(
    client, national_login_on, nurse, settings
):
    nurse.hpr_number = HPR
    nurse.save(update_fields=["hpr_number"])
    settings.FORLOP_OIDC = {
        **settings.FORLOP_OIDC,
        "helseid": national_login_on("helseid", client_secret="not-the-secret"),
    }
    response = round_trip(client, "helseid", "hanne")
    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def test_a_provider_is_on_only_when_configured(settings):
    settings.FORLOP_OIDC = {"helseid": {"issuer": "", "client_id": ""}, "idporten": {}}
    assert oidc.enabled_providers() == []
