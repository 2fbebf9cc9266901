"""Identity numbers never in URLs, log lines or error pages (issue 11, defect 10).

The log tests run real requests through the configured logging (the console handler and its
filters, not pytest's capture) and grep what would have reached the log file."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from forlop.core.identifiers import FULL_MASK, scrub_identity_numbers
from forlop.core.models import Role, Unit
from forlop.core.tests.factories import UnitFactory
from forlop.patients.tests.factories import synthetic_number

NUMBER = synthetic_number(date(1941, 4, 19))  # starts with 1: as an int it keeps 11 digits


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """What the configured console handler writes, during the test."""
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)]
    assert handlers, "the root logger has the configured console handler"
    stream = io.StringIO()
    old = [h.setStream(stream) for h in handlers]
    try:
        yield stream
    finally:
        for handler, previous in zip(handlers, old, strict=True):
            handler.setStream(previous)


def test_scrub_replaces_valid_identity_numbers_only():
    text = f"lookup {NUMBER} and {NUMBER[:6]} {NUMBER[6:]}; order 12345678901; phone 33085010"
    assert scrub_identity_numbers(text) == (
        f"lookup {FULL_MASK} and {FULL_MASK}; order 12345678901; phone 33085010"
    )
    assert scrub_identity_numbers(f"/patients/{NUMBER}/") == f"/patients/{FULL_MASK}/"
    assert scrub_identity_numbers(f"x{NUMBER}1") == f"x{NUMBER}1"  # part of a longer number


@pytest.mark.django_db
def test_the_name_search_is_a_post_and_a_number_never_travels_in_a_url(client, nurse, patient):
    client.force_login(nurse)
    page = client.get(reverse("patients:list")).content.decode()
    # the live search form posts; no form on the page submits by GET
    assert 'method="get"' not in page
    assert f'hx-post="{reverse("patients:search")}"' in page
    # a search by POST finds the patient by name
    response = client.post(reverse("patients:search"), {"q": "Testesen"})
    assert response.status_code == 200
    assert "Astrid Testesen" in response.content.decode()
    # a number typed into the name search is not looked up and not echoed
    response = client.post(reverse("patients:search"), {"q": patient.identity_number})
    assert patient.identity_number not in response.content.decode()
    # a number put into the URL by hand searches nothing and is not echoed
    response = client.get(reverse("patients:list"), {"q": patient.identity_number}, follow=True)
    assert patient.identity_number not in response.content.decode()


@pytest.mark.django_db
def test_requests_with_identity_numbers_leave_none_in_the_log(
    log_output, nurse, patient, district, make_member
):
    client = Client(raise_request_exception=False)
    client.force_login(nurse)
    number = patient.identity_number
    # a 404 for a path holding a number, a number in a query string, a lookup, a duplicate
    # registration, an invalid number, and a page that does not exist
    not_found = client.get(f"/patients/{number}/")
    client.get(f"/no-such-page/{number}/")
    client.get(reverse("patients:list"), {"q": number})
    client.post(reverse("patients:lookup"), {"identity_number": number})
    allocator = make_member(district, Role.ALLOCATION_OFFICE)
    client.force_login(allocator)
    client.post(
        reverse("patients:create"),
        {
            "given_name": "A",
            "family_name": "B",
            "identity_number": number,
            "serving_unit": district.pk,
            "service_start": "2026-11-01",
        },
    )
    client.post(reverse("patients:lookup"), {"identity_number": number[:-1] + "0"})
    # a library that puts the number into an exception message (as PostgreSQL's DETAIL does)
    try:
        raise ValueError(f"Key (identity_number)=({number}) already exists.")
    except ValueError:
        logging.getLogger("django.request").exception("Internal Server Error: /patients/new/")
    written = log_output.getvalue()
    # then the log has the lines, with the number masked
    assert "Not Found: /patients/" in written
    assert "already exists" in written
    assert number not in written
    assert f"{number[:6]} {number[6:]}" not in written
    # and the 404 page does not echo the path
    assert number not in not_found.content.decode()


@pytest.mark.django_db
def test_a_refused_read_of_an_id_that_is_an_identity_number_keeps_no_number(nurse):
    from django.http import Http404

    from forlop.core.models import AuditEvent
    from forlop.patients import selectors

    with pytest.raises(Http404):
        selectors.patient_get_for_user(user=nurse, patient_id=int(NUMBER))
    assert NUMBER not in str(AuditEvent.objects.get().data)


@pytest.mark.django_db
def test_error_pages_show_no_request_data(client, nurse):
    client.force_login(nurse)
    UnitFactory(kind=Unit.Kind.HOME_CARE)
    body = client.get(f"/patients/{NUMBER}/edit/").content.decode()
    assert NUMBER not in body
    body = client.get(f"/missing/{NUMBER}").content.decode()
    assert NUMBER not in body
