"""Bulk data: NDJSON per resource type, written while streaming (bounded memory: rows are read
``CHUNK`` at a time by primary key and written line by line), for ``forlop export_fhir`` and
the FHIR Bulk Data ``$export`` of system clients (kick-off, status, download)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forlop.core.audit import audit_record, audit_record_many
from forlop.core.models import AuditEvent, AuditVerb, Organisation
from forlop.interop.fhir.outcome import FhirError
from forlop.interop.fhir.resources import (
    EXPORT_ORDER,
    REGISTRY,
    Caller,
    PatientsSeen,
    filtered,
    iterate_all,
)
from forlop.interop.fhir.scopes import READ, allows
from forlop.interop.models import BulkExportJob
from forlop.patients.models import HospitalStay, Patient, PatientService

CHUNK = 500


@dataclass(frozen=True)
class ExportedFile:
    resource_type: str
    path: Path
    count: int


Progress = Callable[[str, int], None]  # (resource type, resources written so far)


def patients_of_organisation(org: Organisation) -> Any:
    """The patients an organisation's export covers: its residents (a municipality) or the
    patients its units serve or have had in a stay."""
    served = PatientService.objects.filter(unit__organisation=org).values("patient_id")
    stayed = HospitalStay.objects.filter(ward__organisation=org).values("patient_id")
    return Patient.objects.filter(Q(municipality=org) | Q(pk__in=served) | Q(pk__in=stayed))


def export_ndjson(
    *,
    caller: Caller,
    directory: Path,
    types: Iterable[str] = EXPORT_ORDER,
    since: datetime | None = None,
    progress: Progress | None = None,
) -> list[ExportedFile]:
    """Write ``<Type>.ndjson`` for each type into ``directory``; return what was written.

    Audited once per patient per export (``patient.exported``, naming the client or command
    and the resource types written for that patient), also when the export stops half-way:
    what reached the files is in the log."""
    directory.mkdir(parents=True, exist_ok=True)
    params = [("_lastUpdated", f"ge{since.isoformat()}")] if since is not None else []
    written: list[ExportedFile] = []
    seen = PatientsSeen()
    try:
        for name in types:
            exported = _export_type(caller, name, directory, params, seen, progress)
            if exported is not None:
                written.append(exported)
    finally:
        if caller.audit:
            audit_record_many(
                AuditEvent(
                    actor=caller.user,
                    verb=AuditVerb.EXPORTED,
                    patient_id=pid,
                    data={"client": caller.client_id, "interaction": "export", "fhir": types},
                )
                for pid, types in seen
            )
    return written


def _export_type(
    caller: Caller,
    name: str,
    directory: Path,
    params: list[tuple[str, str]],
    seen: PatientsSeen,
    progress: Progress | None,
) -> ExportedFile | None:
    path = directory / f"{name}.ndjson"
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for resource in iterate_all(
            caller, REGISTRY[name], params, chunk=CHUNK, patients_seen=seen
        ):
            out.write(json.dumps(resource, ensure_ascii=False, separators=(",", ":")))
            out.write("\n")
            count += 1
            if progress is not None and count % 100 == 0:
                progress(name, count)
    if progress is not None:
        progress(name, count)
    if count == 0:
        path.unlink()
        return None
    return ExportedFile(resource_type=name, path=path, count=count)


def count_for(caller: Caller, name: str, since: datetime | None = None) -> int:
    """How many resources of a type an export would write (for the progress bar)."""
    params = [("_lastUpdated", f"ge{since.isoformat()}")] if since is not None else []
    total = 0
    for source in REGISTRY[name].sources:
        qs = filtered(caller, REGISTRY[name], source, params)
        if qs is not None:
            total += qs.count()
    return total


# --- $export for system clients ---------------------------------------------------------------


def _job_dir(job: BulkExportJob) -> Path:
    return Path(settings.FORLOP_BULK_DIR) / str(job.pk)


def export_kickoff(*, caller: Caller, types: str, since: str, request_url: str) -> BulkExportJob:
    wanted = [t for t in types.split(",") if t] or [
        t for t in EXPORT_ORDER if allows(caller.scope, t, READ)
    ]
    for name in wanted:
        if name not in REGISTRY:
            raise FhirError.one(
                400, "not-supported", _("Forløp does not serve this resource type."), "_type"
            )
        if not allows(caller.scope, name, READ):
            raise FhirError.one(
                403,
                "forbidden",
                _("The token's scopes do not allow this interaction on %(type)s."),
                "_type",
                type=name,
            )
    since_at = None
    if since:
        try:
            since_at = datetime.fromisoformat(since)
        except ValueError:
            raise FhirError.one(
                400, "invalid", _("The search parameter has a value Forløp cannot read."), "_since"
            ) from None
        if since_at.tzinfo is None:
            raise FhirError.one(
                400, "invalid", _("Give a date and time with a time zone."), "_since"
            )
    client = caller.user.system_client  # type: ignore[union-attr]
    with transaction.atomic():
        job = BulkExportJob.objects.create(
            client=client, since=since_at, types=wanted, request_url=request_url
        )
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from forlop.interop.tasks import bulk_export_run

    bulk_export_run.enqueue(job_id)


def export_run(*, job_id: int) -> BulkExportJob:
    """Run a job (the task). Idempotent: a finished job is left as it is."""
    job = BulkExportJob.objects.select_related("client__service_user").get(pk=job_id)
    if job.status != BulkExportJob.Status.ACCEPTED:
        return job
    client = job.client
    caller = Caller(
        user=client.service_user,
        now=timezone.now(),
        scope=" ".join(f"system/{t}.read" for t in job.types),
        client_id=client.client_id,
    )
    try:
        files = export_ndjson(
            caller=caller, directory=_job_dir(job), types=job.types, since=job.since
        )
    except Exception as exc:
        job.status = BulkExportJob.Status.FAILED
        job.error = type(exc).__name__
        job.save(update_fields=["status", "error", "updated_at"])
        return job
    job.status = BulkExportJob.Status.COMPLETED
    job.completed_at = timezone.now()
    job.output = [{"type": f.resource_type, "file": f.path.name, "count": f.count} for f in files]
    job.save(update_fields=["status", "completed_at", "output", "updated_at"])
    audit_record(
        actor=client.service_user,
        verb=AuditVerb.EXPORTED,
        target=job,
        data={"client": client.client_id, "types": job.types},
    )
    return job


def job_for_client(*, caller: Caller, job_id: int) -> BulkExportJob:
    job = BulkExportJob.objects.filter(pk=job_id, client__service_user=caller.user).first()
    if job is None:
        raise FhirError.one(404, "not-found", _("No such resource, or you may not see it."))
    return job


def manifest(*, job: BulkExportJob, file_url: Callable[[str], str]) -> dict[str, Any]:
    return {
        "transactionTime": job.created_at.isoformat(),
        "request": job.request_url,
        "requiresAccessToken": True,
        "output": [
            {"type": o["type"], "url": file_url(o["file"]), "count": o["count"]} for o in job.output
        ],
        "error": [],
    }


def job_file(*, job: BulkExportJob, name: str) -> Path:
    if job.status != BulkExportJob.Status.COMPLETED or name not in {o["file"] for o in job.output}:
        raise FhirError.one(404, "not-found", _("No such resource, or you may not see it."))
    return _job_dir(job) / name


def job_delete(*, job: BulkExportJob) -> None:
    shutil.rmtree(_job_dir(job), ignore_errors=True)
    job.output = []
    if job.status == BulkExportJob.Status.ACCEPTED:
        job.status = BulkExportJob.Status.FAILED
        job.error = "cancelled"
    job.save(update_fields=["output", "status", "error", "updated_at"])
