"""The shared validation at the edge (core.validation): dates, numbers, ids, page numbers."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django import forms
from django.utils import translation

from forlop.core.validation import (
    INT32_MAX,
    PlausibleDateField,
    PlausibleDateTimeField,
    check_plausible_date,
    date_param,
    int_param,
    page_param,
    plausible_range,
    text_param,
)

TODAY = dt.date(2026, 12, 1)
NOW = dt.datetime(2026, 12, 1, 10, 0, tzinfo=dt.UTC)


def test_plausible_range_is_1900_to_a_year_ahead_or_today():
    assert plausible_range(today=TODAY) == (dt.date(1900, 1, 1), dt.date(2027, 12, 2))
    assert plausible_range(today=TODAY, past_only=True) == (dt.date(1900, 1, 1), TODAY)
    assert plausible_range(today=TODAY, future_days=30)[1] == dt.date(2026, 12, 31)


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(1899, 12, 31), dt.date(9999, 12, 31)])
def test_implausible_dates_are_refused_in_norwegian(day):
    with translation.override("nb"), pytest.raises(forms.ValidationError) as caught:
        check_plausible_date(day, today=TODAY)
    assert caught.value.messages == ["Skriv inn en dato mellom 01.01.1900 og 02.12.2027."]


class Dated(forms.Form):
    day = PlausibleDateField()
    happened = PlausibleDateField(past_only=True, required=False)
    at = PlausibleDateTimeField(required=False)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"day": "2026-12-01"}, {}),
        ({"day": "2026-13-45"}, {"day": ["Oppgi en gyldig dato."]}),
        ({"day": "0001-01-01"}, {"day": ["Skriv inn en dato mellom 01.01.1900 og 02.12.2027."]}),
        ({"day": "9999-12-31"}, {"day": ["Skriv inn en dato mellom 01.01.1900 og 02.12.2027."]}),
        ({"day": "2026-12-01\x00"}, {"day": ["Oppgi en gyldig dato."]}),
        ({"day": "x" * 200_000}, {"day": ["Oppgi en gyldig dato."]}),
        (
            {"day": "2026-12-01", "happened": "2026-12-02"},
            {"happened": ["Skriv inn en dato mellom 01.01.1900 og 01.12.2026."]},
        ),
        (
            {"day": "2026-12-01", "at": "9999-12-31 23:59"},
            {"at": ["Skriv inn en dato mellom 01.01.1900 og 02.12.2027."]},
        ),
        (
            {"day": "2026-12-01", "at": "0001-01-01 00:00"},
            {"at": ["Skriv inn en dato mellom 01.01.1900 og 02.12.2027."]},
        ),
    ],
)
def test_form_fields_refuse_junk_with_a_message(data, errors):
    with translation.override("nb"):
        form = Dated(data)
        form.is_valid()
        assert form.errors == errors


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", None),
        ("abc", None),
        ("-1", None),
        ("0", None),
        ("1", 1),
        (" 42 ", 42),
        (str(INT32_MAX), INT32_MAX),
        (str(INT32_MAX + 1), None),
        ("9" * 40, None),
        ("1\x00", None),
    ],
)
def test_int_param(raw, expected):
    assert int_param(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"), [(None, 1), ("-1", 1), ("0", 1), ("abc", 1), ("3", 3), ("9" * 40, 1)]
)
def test_page_param(raw, expected):
    assert page_param(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-30", dt.date(2026, 11, 30)),
        ("2026-13-45", None),
        ("0001-01-01", None),
        ("9999-12-31", None),
        ("x" * 5000, None),
        ("2026-11-30\x00", None),
        (None, None),
    ],
)
def test_date_param(raw, expected):
    assert date_param(raw, today=TODAY) == expected


@pytest.mark.django_db
def test_a_nul_byte_in_the_query_string_is_a_norwegian_400(client, nurse):
    client.force_login(nurse)
    response = client.get("/pathways/worklist/", {"unit": "a\x00b"})
    assert response.status_code == 400
    assert "<html" in response.content.decode()
    assert client.get("/pathways/worklist/").status_code == 200


def test_text_param_drops_nul_bytes_and_cuts():
    assert text_param(" Nord\x00mann ") == "Nordmann"
    assert text_param("x" * 500, max_length=100) == "x" * 100
    assert text_param(None) == ""
