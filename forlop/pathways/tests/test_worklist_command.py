"""`forlop worklist` through call_command: text, json, csv, unknown unit, bad date, unit list."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from forlop.pathways import services

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("worklist", *args, stdout=out)
    return out.getvalue()


def test_text_lists_code_title_patient_deadline_and_status(pathway, district):
    hph2 = pathway.stop_points.get(definition__code="HPH2")
    due = timezone.localtime(hph2.due_at).date().isoformat()
    output = run("--unit", district.code)
    line = next(line for line in output.splitlines() if "HPH2" in line)
    assert due in line
    assert "overdue" in line
    assert "Astrid Testesen" in line
    assert "Strukturert oppfølging av sykepleier" in line


def test_json_entries(pathway, district):
    data = json.loads(run("--unit", district.code, "--format", "json"))
    assert data["unit"] == district.code
    assert data["date"] == timezone.localdate().isoformat()
    hph2 = next(e for e in data["entries"] if e["code"] == "HPH2")
    sp = pathway.stop_points.get(definition__code="HPH2")
    assert hph2 == {
        "section": "overdue",
        "code": "HPH2",
        "title": "Strukturert oppfølging av sykepleier",
        "patient": "Astrid Testesen",
        "due": timezone.localtime(sp.due_at).date().isoformat(),
        "all_day": True,
        "status": "overdue",
        "responsible": "Nina Nord",
    }


def test_csv_has_a_header_and_one_row_per_entry(pathway, district):
    rows = list(csv.DictReader(io.StringIO(run("--unit", district.code, "--format", "csv"))))
    assert {row["code"] for row in rows} >= {"HPH2"}
    hph2 = next(row for row in rows if row["code"] == "HPH2")
    assert (hph2["patient"], hph2["status"], hph2["all_day"]) == (
        "Astrid Testesen",
        "overdue",
        "True",
    )


def test_a_timed_deadline_is_an_iso_datetime(pathway, district, nurse, patient):
    services.event_record(
        actor=nurse,
        patient=patient,
        kind="fall",
        occurred_at=timezone.now() - timedelta(minutes=5),
    )
    data = json.loads(run("--unit", district.code, "--format", "json"))
    timed = [e for e in data["entries"] if not e["all_day"]]
    assert timed
    assert all("T" in e["due"] for e in timed)


def test_other_date_is_computed_as_of_that_morning(pathway, district):
    past = (timezone.localdate() - timedelta(days=30)).isoformat()
    data = json.loads(run("--unit", district.code, "--date", past, "--format", "json"))
    assert data["date"] == past
    assert data["entries"] == []


def test_unknown_unit_is_an_error(db):
    with pytest.raises(CommandError, match="No unit with the code 'nowhere'"):
        run("--unit", "nowhere")


def test_bad_date_is_an_error(district):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--unit", district.code, "--date", "23.11.2026")


def test_without_unit_lists_units_with_codes(district, other_district):
    output = run()
    assert "testvik-nord" in output
    assert "Hjemmetjenesten nord" in output
    assert "testvik-sor" in output
