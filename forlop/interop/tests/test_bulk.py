"""Bulk export and import: NDJSON per type, $export for clients, and a round trip into an
empty database (a fresh one of the same kind, through the CLI in a subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from forlop.interop.fhir.restore import content_digest
from forlop.interop.fhir.validate import validate_resource
from forlop.interop.models import SystemClient
from forlop.interop.tests.conftest import Fhir, World, aware
from forlop.interop.tests.scenario import NOW, running_pathway
from forlop.pathways import services

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[3]


def _history(world: World) -> None:
    pathway = running_pathway(world)
    hph1 = pathway.stop_points.get(definition__code="HPH1")
    services.stop_point_mark_not_relevant(
        actor=world.nurse, stop_point=hph1, reason="Ingen nye tjenester", now=NOW
    )
    services.event_record(
        actor=world.nurse,
        patient=world.patient,
        kind="fall",
        occurred_at=aware(2026, 11, 24, 9, 0),
        now=NOW,
    )


def _export(tmp_path: Path, *args: str) -> dict[str, int]:
    out = tmp_path / "export"
    from io import StringIO

    stdout = StringIO()
    call_command("export_fhir", "-o", str(out), "--no-progress", *args, stdout=stdout)
    return {
        line.split("\t")[0]: int(line.split("\t")[1]) for line in stdout.getvalue().splitlines()
    }


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database of the kind the tests run on."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restore.sqlite3"
        yield f"sqlite:///{path}"
        path.unlink(missing_ok=True)
        return
    settings = connection.settings_dict
    name = f"forlop_restore_{uuid.uuid4().hex[:12]}"
    import psycopg

    params = {
        "host": settings["HOST"],
        "port": settings["PORT"],
        "user": settings["USER"],
        "password": settings["PASSWORD"],
        "dbname": settings["NAME"],
    }
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:{settings['PORT']}/{name}"
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{name}"')


def _forlop(database_url: str, *args: str) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
    }
    result = subprocess.run(  # noqa: S603 - our own CLI with arguments from the test
        [sys.executable, "-m", "forlop", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_export_then_import_into_an_empty_database_gives_the_same_data(
    world: World, tmp_path: Path, empty_database: str
) -> None:
    # given
    with time_machine.travel(NOW, tick=False):
        _history(world)
    counts, digest = content_digest()
    assert counts == {
        "patients": 1,
        "pathways": 1,
        "stop_points": 7,
        "answers": 3,
        "goals": 1,
        "scores": 1,
    }
    # when
    written = _export(tmp_path)
    # then: one valid resource per line, one file per type
    for name, n in written.items():
        lines = (tmp_path / "export" / f"{name}.ndjson").read_text(encoding="utf-8").splitlines()
        assert len(lines) == n
        for line in lines:
            validate_resource(json.loads(line))
    assert written["Patient"] == 1
    assert written["Task"] == 7
    # when: into an empty database, twice
    _forlop(empty_database, "migrate", "--noinput", "-v", "0")
    first = _forlop(
        empty_database, "import_fhir", str(tmp_path / "export"), "--no-progress", "--digest"
    )
    second = _forlop(
        empty_database, "import_fhir", str(tmp_path / "export"), "--no-progress", "--digest"
    )
    # then
    restored = json.loads(first.splitlines()[-1])
    assert restored == {"counts": counts, "digest": digest}
    assert second.splitlines()[0] == "Nothing new: everything in the export is already here."
    assert json.loads(second.splitlines()[-1]) == restored


def test_import_into_the_same_database_changes_nothing(world: World, tmp_path: Path) -> None:
    with time_machine.travel(NOW, tick=False):
        _history(world)
    before = content_digest()
    _export(tmp_path)
    from io import StringIO

    stdout = StringIO()
    call_command("import_fhir", str(tmp_path / "export"), "--no-progress", stdout=stdout)
    assert stdout.getvalue().strip() == "Nothing new: everything in the export is already here."
    assert content_digest() == before


def test_export_for_one_organisation_since_a_date(world: World, tmp_path: Path) -> None:
    with time_machine.travel(NOW, tick=False):
        _history(world)
    written = _export(tmp_path, "--org", world.hospital.code, "--types", "Patient,Encounter")
    assert written == {"Patient": 1, "Encounter": 1}  # the hospital had the patient in a stay
    later = _export(tmp_path, "--since", "2030-01-01", "--types", "Patient,Task")
    assert later == {}


def test_an_export_audits_each_patient_once_and_keeps_the_chain(
    world: World, tmp_path: Path
) -> None:
    from forlop.core.audit import audit_chain_verify
    from forlop.core.models import AuditEvent, AuditVerb

    with time_machine.travel(NOW, tick=False):
        _history(world)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    written = _export(tmp_path)
    rows = list(AuditEvent.objects.filter(pk__gt=before).order_by("pk"))
    # one row for the patient (not one per resource type and chunk), one for the command
    assert [(r.verb, r.patient_id) for r in rows] == [
        (AuditVerb.EXPORTED, world.patient.pk),
        (AuditVerb.EXPORTED, None),
    ]
    directory = {"Organization", "Practitioner", "PlanDefinition", "Questionnaire"}
    assert rows[0].data["fhir"] == sorted(set(written) - directory)
    assert "Task" in rows[0].data["fhir"]
    assert rows[0].data["client"] == "cli:export_fhir"
    report = audit_chain_verify()
    assert (report.first_broken_id, report.rows) == (None, AuditEvent.objects.count())


def test_bulk_export_kickoff_status_and_download(
    world: World,
    home_care_client: SystemClient,
    fhir_as: Callable[..., Fhir],
    settings: object,
    tmp_path: Path,
) -> None:
    settings.FORLOP_BULK_DIR = tmp_path  # type: ignore[attr-defined]
    with time_machine.travel(NOW, tick=False):
        _history(world)
        fhir = fhir_as(home_care_client)
        refused = fhir.get("$export")
        assert refused.status_code == 400  # no Prefer: respond-async
        kickoff = fhir.get("$export?_type=Patient,Task", Prefer="respond-async")
        assert kickoff.status_code == 202
        status_path = kickoff["Content-Location"].split("/fhir/r4/", 1)[1]
        status = fhir.get(status_path)
        assert status.status_code == 200
        manifest = status.json()
        assert [(o["type"], o["count"]) for o in manifest["output"]] == [
            ("Patient", 1),
            ("Task", 7),
        ]
        assert manifest["requiresAccessToken"] is True
        download = fhir.get(manifest["output"][1]["url"].split("/fhir/r4/", 1)[1])
        assert download.status_code == 200
        assert download["Content-Type"] == "application/fhir+ndjson"
        lines = b"".join(download.streaming_content).decode().splitlines()
        assert len(lines) == 7
        assert json.loads(lines[0])["resourceType"] == "Task"
        # another client cannot read the job
        assert (
            fhir.http.delete(
                f"/fhir/r4/{status_path}", headers=fhir.headers, secure=True
            ).status_code
            == 202
        )
        assert fhir.get(manifest["output"][1]["url"].split("/fhir/r4/", 1)[1]).status_code == 404


def test_export_in_parts_of_patients_writes_the_same_resources(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The export reads a patient-bound type a few patients at a time (``_by_patients``), so
    its plans start from them; the files hold the same resources whatever the part's size."""
    from forlop.interop.fhir.resources import access

    with time_machine.travel(NOW, tick=False):
        _history(world)
    _more_patients(world, 3)

    def lines(directory: Path) -> dict[str, set[str]]:
        return {f.name: set(f.read_text().splitlines()) for f in sorted(directory.glob("*"))}

    whole = _export(tmp_path / "whole", "--org", world.municipality.code)
    whole_lines = lines(tmp_path / "whole" / "export")
    monkeypatch.setattr(access, "PATIENT_CHUNK", 1)
    parts = _export(tmp_path / "parts", "--org", world.municipality.code)
    assert parts == whole
    assert whole["Patient"] == 4
    assert lines(tmp_path / "parts" / "export") == whole_lines


def _more_patients(world: World, n: int) -> None:
    from forlop.pathways import models as pm
    from forlop.patients.tests.factories import PatientFactory, PatientServiceFactory

    with time_machine.travel(NOW, tick=False):
        for i in range(n):
            other = PatientFactory(municipality=world.municipality, given_name=f"Flere{i}")
            PatientServiceFactory(patient=other, unit=world.district)
            services.pathway_start(
                actor=world.nurse,
                patient=other,
                version=world.hph,
                unit=world.district,
                start_reason=pm.Pathway.StartReason.NEW_USER,
                started_at=aware(2026, 11, 20, 9, 0),
                now=NOW,
            )


def _task_export_queries(world: World, directory: Path) -> list[str]:
    from django.test.utils import CaptureQueriesContext

    from forlop.interop.fhir import bulk
    from forlop.interop.fhir.resources import Caller

    caller = Caller(
        user=None,
        now=NOW,
        patients=bulk.patients_of_organisation(world.municipality),
        client_id="test",
        audit=False,
    )
    with CaptureQueriesContext(connection) as captured:
        bulk.export_ndjson(caller=caller, directory=directory, types=["Task"])
    return [q["sql"] for q in captured.captured_queries]


def test_a_task_page_costs_the_same_queries_whatever_its_stop_points(
    world: World, tmp_path: Path
) -> None:
    """A page of Tasks reads its stop points' pathways, patients and answers in one query
    each, and the people, units and definitions once per export (``care._lookup``): four
    times the stop points cost no query more."""
    _more_patients(world, 1)
    few = _task_export_queries(world, tmp_path / "few")
    _more_patients(world, 3)
    many = _task_export_queries(world, tmp_path / "many")
    tasks = (tmp_path / "many" / "Task.ndjson").read_text().splitlines()
    assert len(tasks) > len((tmp_path / "few" / "Task.ndjson").read_text().splitlines())
    assert len(many) == len(few)
    assert not any("password" in sql for sql in many)  # people's names only


def test_the_access_rule_runs_once_per_part_of_patients_not_in_every_page(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A part's pages name the part's patient ids (``Caller.within``): the organisation's rule
    (its services and stays) is in the query that finds the part's patients only."""
    from forlop.interop.fhir import bulk

    _more_patients(world, 2)
    monkeypatch.setattr(bulk, "CHUNK", 1)
    queries = _task_export_queries(world, tmp_path / "out")
    pages = [sql for sql in queries if sql.startswith('SELECT "pathways_stoppoint"')]
    rule = [sql for sql in queries if "patients_patientservice" in sql]
    assert len(pages) > 3
    assert rule
    assert not any("pathways_stoppoint" in sql for sql in rule)


def test_people_and_units_kept_in_a_bounded_lookup_give_the_same_tasks(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``care._lookup`` starts over beyond ``LOOKUP_LIMIT`` rows of a kind: at a limit of one
    row the Tasks are the same as with everything kept."""
    from forlop.interop.fhir.resources import care

    with time_machine.travel(NOW, tick=False):
        _history(world)
    _more_patients(world, 2)
    _task_export_queries(world, tmp_path / "kept")
    monkeypatch.setattr(care, "LOOKUP_LIMIT", 1)
    _task_export_queries(world, tmp_path / "bounded")
    kept = (tmp_path / "kept" / "Task.ndjson").read_text()
    assert kept == (tmp_path / "bounded" / "Task.ndjson").read_text()
    assert kept.count("\n") > 3
