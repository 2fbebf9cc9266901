"""A password login needs a second factor (TOTP, django-otp) where there is no HelseID: set it
up at the first login, type a code at every later one; until then no page with patient data.
Codes are made with pyotp, as an authenticator app makes them."""

from __future__ import annotations

import base64
import re
from datetime import timedelta

import pyotp
import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from forlop.accounts.middleware import LOGIN_METHOD

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    settings.FORLOP_PASSWORD_SECOND_FACTOR = "totp"


def password_login(client: Client, username: str):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def test_first_login_sets_up_the_app_and_no_patient_page_opens_before(client, nurse, patient):
    # given a nurse with no authenticator yet, logged in with her password
    assert password_login(client, "nurse").status_code == 302
    # when she opens her patient list, she is sent to the second factor, not shown patients
    response = client.get(reverse("patients:detail", args=[patient.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:totp-verify"))
    response = client.get(response["Location"], follow=True)
    assert response.redirect_chain[-1][0] == reverse("accounts:totp-enrol")
    body = response.content.decode()
    assert patient.family_name not in body
    assert 'data-testid="nav-worklist"' not in body  # no menu (with its counts) before the code
    assert "<svg" in body
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', body).group(1).replace(" ", "")
    # a wrong code is refused
    response = client.post(reverse("accounts:totp-enrol"), {"token": "000000"})
    assert response.status_code == 400
    assert not TOTPDevice.objects.filter(user=nurse, confirmed=True).exists()
    # the right code (after django-otp's throttling pause for the wrong one) lets her in
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):
        code = pyotp.TOTP(secret).now()
        response = client.post(reverse("accounts:totp-enrol"), {"token": code})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=nurse).confirmed is True
    assert client.get(reverse("patients:detail", args=[patient.pk])).status_code == 200


def enrolled(user) -> pyotp.TOTP:
    device = TOTPDevice.objects.create(user=user, name="Forløp", confirmed=True)
    return pyotp.TOTP(base64.b32encode(device.bin_key).decode())


def test_every_later_login_asks_for_a_code(client, nurse, patient):
    app = enrolled(nurse)
    password_login(client, "nurse")
    url = reverse("patients:list")
    response = client.get(url)
    assert response["Location"] == f"{reverse('accounts:totp-verify')}?next=%2Fpatients%2F"
    # the enrolment page does not offer a new secret to a user who has one
    assert client.get(reverse("accounts:totp-enrol"))["Location"] == reverse("accounts:totp-verify")
    wrong = client.post(response["Location"], {"token": "123456"})
    assert wrong.status_code == 400
    assert client.get(url).status_code == 302
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):
        right = client.post(response["Location"], {"token": app.now()})
    assert (right.status_code, right["Location"]) == (302, url)
    assert client.get(url).status_code == 200


def test_a_code_cannot_be_used_twice(nurse):
    app = enrolled(nurse)
    code = app.now()
    first, second = Client(), Client()
    for c in (first, second):
        password_login(c, "nurse")
    assert first.post(reverse("accounts:totp-verify"), {"token": code}).status_code == 302
    assert second.post(reverse("accounts:totp-verify"), {"token": code}).status_code == 400


def test_a_national_login_is_not_asked_for_a_code(client, nurse):
    client.force_login(nurse)
    session = client.session
    session[LOGIN_METHOD] = "helseid"
    session.save()
    assert client.get(reverse("patients:list")).status_code == 200


def test_logout_and_login_pages_stay_reachable(client, nurse):
    password_login(client, "nurse")
    assert client.get(reverse("login")).status_code in (200, 302)
    assert client.post(reverse("logout")).status_code == 302


def test_off_is_refused_outside_debug(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import config.settings as settings_module

    monkeypatch.setenv("FORLOP_PASSWORD_SECOND_FACTOR", "off")
    monkeypatch.setenv("DJANGO_DEBUG", "false")
    with pytest.raises(ImproperlyConfigured):
        importlib.reload(settings_module)
    monkeypatch.delenv("FORLOP_PASSWORD_SECOND_FACTOR")
    importlib.reload(settings_module)
