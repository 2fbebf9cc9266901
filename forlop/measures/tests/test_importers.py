"""Imports that cannot tie up a worker or give a 500 (issue 11, defect 9): the workbook is read
row by row and reading stops at the row limit, the upload size is capped, counts are
non-negative integers, and an over-long CSV field or a NUL byte gets a clear message."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from forlop.core.models import Role
from forlop.measures import importers
from forlop.measures.models import ManualValue
from forlop.measures.services import measure_create_manual

pytestmark = pytest.mark.django_db

URL_ARGS = ("municipality", "testvik", "falls")


@pytest.fixture
def manual(municipality, default_measures):
    return measure_create_manual(
        organisation=municipality, code="falls", name="Falls", numerator="Falls per week"
    )


@pytest.fixture
def team_client(client, district, make_member):
    client.force_login(make_member(district, Role.IMPROVEMENT_MEMBER, username="team"))
    return client


def upload(client, content: bytes, name: str):
    return client.post(
        reverse("measures:import", args=URL_ARGS), {"file": SimpleUploadedFile(name, content)}
    )


def workbook(rows: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["period", "value"])
    for i in range(rows):
        sheet.append([f"{2000 + i // 52}-01-01", i])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_reading_a_long_workbook_stops_at_the_row_limit(monkeypatch, manual, team_client):
    # given a workbook of 20,000 rows and a limit of 100
    monkeypatch.setattr(importers, "MAX_ROWS", 100)
    content = workbook(20_000)
    consumed = {"rows": 0}
    original = ReadOnlyWorksheet._cells_by_row

    def counting(self, *args, **kwargs):
        for row in original(self, *args, **kwargs):
            consumed["rows"] += 1
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", counting)
    # when it is imported
    response = upload(team_client, content, "many.xlsx")
    # then it is refused after reading just past the limit, and nothing is stored
    assert response.status_code == 400
    assert "For mange rader (høyst 100)" in response.content.decode()
    assert consumed["rows"] <= 102  # the header, 100 rows and the one that broke the limit
    assert ManualValue.objects.count() == 0


def test_a_long_csv_stops_at_the_row_limit(monkeypatch, manual, team_client):
    monkeypatch.setattr(importers, "MAX_ROWS", 100)
    lines = "\n".join(f"2025-01-{1 + i % 28:02d},1" for i in range(5000))
    response = upload(team_client, f"period,value\n{lines}\n".encode(), "many.csv")
    assert response.status_code == 400
    assert "For mange rader (høyst 100)" in response.content.decode()


def test_the_upload_size_is_capped_before_the_file_is_read(manual, team_client, settings):
    settings.FORLOP_MAX_UPLOAD_BYTES = 1024
    big = b"period,value\n" + b"2025-01-06,1\n" * 200  # 2.6 kB
    response = upload(team_client, big, "big.csv")
    assert response.status_code == 400
    assert "Filen er for stor" in response.content.decode()
    assert ManualValue.objects.count() == 0


@pytest.mark.parametrize("value", ["-5", "3.5", '"3,5"', "1e3x", "1e12"])
def test_counts_are_non_negative_integers(manual, team_client, value):
    response = upload(team_client, f"period,value\n2025-01-06,{value}\n".encode(), "c.csv")
    assert response.status_code == 400
    assert "Rad 2" in response.content.decode()
    assert ManualValue.objects.count() == 0


def test_a_negative_or_fractional_denominator_is_refused(manual, team_client):
    response = upload(team_client, b"period,value,denominator\n2025-01-06,2,-1\n", "d.csv")
    assert response.status_code == 400
    assert ManualValue.objects.count() == 0


def test_whole_numbers_from_excel_are_counts(manual, team_client):
    book = Workbook()
    book.active.append(["period", "value"])
    book.active.append(["2025-01-06", 3.0])
    buffer = io.BytesIO()
    book.save(buffer)
    assert upload(team_client, buffer.getvalue(), "ok.xlsx").status_code == 302
    assert list(ManualValue.objects.values_list("numerator", flat=True)) == [3.0]


def test_an_over_long_csv_field_gets_a_clear_message(manual, team_client):
    content = b"period,value,comment\n2025-01-06,1," + b"x" * 131_073 + b"\n"
    response = upload(team_client, content, "long.csv")
    assert response.status_code == 400
    assert "for langt" in response.content.decode()
    assert ManualValue.objects.count() == 0


def test_a_nul_byte_in_a_csv_gets_a_clear_message(manual, team_client):
    content = b"period,value,comment\n2025-01-06,1,bad\x00comment\n"
    response = upload(team_client, content, "nul.csv")
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    assert ManualValue.objects.count() == 0


def test_a_nul_character_in_a_workbook_gets_a_clear_message(manual, team_client):
    # openpyxl will not write one, so put it into the sheet's XML as a crafted file would
    book = Workbook()
    book.active.append(["period", "value", "comment"])
    book.active.append(["2025-01-06", 1, "badXcomment"])
    buffer = io.BytesIO()
    book.save(buffer)
    source, crafted = zipfile.ZipFile(buffer), io.BytesIO()
    with zipfile.ZipFile(crafted, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename).replace(b"badXcomment", b"bad&#0;comment")
            out.writestr(item, data)
    response = upload(team_client, crafted.getvalue(), "nul.xlsx")
    assert response.status_code == 400
    assert "Filen er ikke en lesbar Excel-arbeidsbok." in response.content.decode()
    assert ManualValue.objects.count() == 0


def test_periods_outside_a_plausible_range_are_refused(manual, team_client):
    response = upload(team_client, b"period,value\n0001-01-01,1\n9999-12-27,2\n", "y.csv")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Rad 2" in body
    assert "Rad 3" in body
    assert ManualValue.objects.count() == 0
