"""Login throttling and lockout per account and per address (django-axes), and passwords of at
least 12 characters (ASVS 2.1.1) (issue 11, defect 6)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse

from forlop.core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD = "correct-horse-battery"  # the factories' password


def attempt(client: Client, username: str, password: str, address: str = "192.0.2.10"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_thirty_wrong_passwords_lock_the_account_and_the_right_one_no_longer_works():
    UserFactory(username="nina")
    client = Client()
    statuses = [attempt(client, "nina", f"wrong-{i}").status_code for i in range(30)]
    limit = settings.AXES_FAILURE_LIMIT
    # the first attempts are answered as wrong passwords, then the account is locked
    assert statuses[: limit - 1] == [200] * (limit - 1)
    assert set(statuses[limit:]) == {429}
    # the right password now gets the lockout page, in Norwegian, and no session
    response = attempt(client, "nina", GOOD)
    assert response.status_code == 429
    assert "midlertidig sperret" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_the_account_stays_locked_from_another_address():
    UserFactory(username="nina")
    for i in range(settings.AXES_FAILURE_LIMIT):
        attempt(Client(), "nina", f"wrong-{i}", address=f"198.51.100.{i + 1}")
    client = Client()
    assert attempt(client, "nina", GOOD, address="203.0.113.99").status_code == 429
    assert SESSION_KEY not in client.session


def test_an_address_spraying_many_accounts_is_locked_for_everyone_from_it():
    UserFactory(username="kari")
    for i in range(settings.AXES_FAILURE_LIMIT):
        attempt(Client(), f"guess{i}", "Sommer2026!", address="192.0.2.66")
    # kari's right password from the locked address is refused ...
    client = Client()
    assert attempt(client, "kari", GOOD, address="192.0.2.66").status_code == 429
    assert SESSION_KEY not in client.session
    # ... and works from her own address
    response = attempt(client, "kari", GOOD, address="192.0.2.7")
    assert response.status_code == 302
    assert SESSION_KEY in client.session


def test_a_few_mistakes_do_not_lock_and_success_resets_the_count():
    UserFactory(username="per")
    client = Client()
    for _ in range(3):
        attempt(client, "per", "wrong")
    assert attempt(client, "per", GOOD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        attempt(client, "per", "wrong")
    assert attempt(client, "per", GOOD).status_code == 302


@pytest.mark.parametrize(
    ("new_password", "accepted"),
    [("Kort-2026ab", False), ("Lang-nok-2026", True)],  # 11 and 13 characters
)
def test_passwords_need_at_least_twelve_characters(client, new_password, accepted):
    user = UserFactory(username="olga")
    client.force_login(user)
    response = client.post(
        reverse("password-change"),
        {"old_password": GOOD, "new_password1": new_password, "new_password2": new_password},
    )
    user.refresh_from_db()
    assert user.check_password(new_password) is accepted
    assert response.status_code == (302 if accepted else 400)
    if not accepted:
        assert "minst 12 tegn" in response.content.decode()
