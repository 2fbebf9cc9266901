"""The 404, 403 and 500 pages are Forløp's own, in Norwegian, with production settings (the
test settings run with DEBUG off, as production does)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import RequestFactory

from forlop.core import views
from forlop.core.models import Role

pytestmark = pytest.mark.django_db


def test_not_found_and_no_access_are_forlops_pages_in_norwegian(client, district, make_member):
    assert settings.DEBUG is False
    gp = make_member(district, Role.GP, username="gp")
    client.force_login(gp)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert '<h1 class="ds-heading" data-size="lg">Ikke funnet</h1>' in (missing.content.decode())
    assert "Forløp" in missing.content.decode()
    denied = client.get("/pathways/leaders/")
    assert denied.status_code == 403
    assert "Ingen tilgang" in denied.content.decode()


def test_the_server_error_page_is_norwegian_and_shows_nothing_of_the_request():
    response = views.server_error(RequestFactory().get("/patients/?q=secret"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Noe gikk galt" in html
    assert "secret" not in html
