"""Writing one batch: patients, services and pathways by ``bulk_create`` (their keys are
needed), stop points, events and scores by PostgreSQL ``COPY`` (elsewhere one executemany)."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from django.db import connection, models
from django.db.models import F

from forlop.demo.synth.base import BULK, Summary
from forlop.demo.synth.goals import write_goals
from forlop.demo.synth.rows import _Rows
from forlop.pathways.models import Pathway, PathwayEvent, StopPoint
from forlop.patients.models import Patient, PatientService


def _fast_insert(model: type[models.Model], objs: list[Any], *, created: str) -> None:
    """Insert rows without building Django's per-value INSERT (most of bulk_create's time at
    this volume): PostgreSQL COPY, elsewhere one executemany. ``created_at`` and
    ``updated_at`` are set from the ``created`` field. For rows nobody reads back by key."""
    if not objs:
        return
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)

    def row(obj: Any) -> list[Any]:
        stamp = getattr(obj, created)
        obj.created_at = obj.updated_at = stamp
        return [getattr(obj, f.attname) for f in fields]

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for obj in objs:
                    copy.write_row(row(obj))
        else:
            adapt = [
                (lambda v, f=f: f.get_db_prep_value(v, connection, prepared=False)) for f in fields
            ]
            values = [[a(v) for a, v in zip(adapt, row(obj), strict=True)] for obj in objs]
            marks = ", ".join(["%s"] * len(columns))
            # Table and column names come from the model, never from input.
            sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"  # noqa: S608
            cursor.executemany(sql, values)


def _write(
    rows: _Rows,
    summary: Summary,
    *,
    goals_rng: random.Random | None,
    version_id: int,
    now: datetime,
    change_at: datetime,
) -> None:
    Patient.objects.bulk_create(rows.patients, batch_size=BULK)
    for service in rows.services:
        service.patient_id = service.patient.pk
    PatientService.objects.bulk_create(rows.services, batch_size=BULK)
    pathways = []
    previous: Pathway | None = None
    for pathway, _stop_points, _events, _follows in rows.pathways:
        pathway.patient_id = pathway.patient.pk
        pathways.append(pathway)
    Pathway.objects.bulk_create(pathways, batch_size=BULK)
    # A readmission's pathway follows the one before it: set after both have keys.
    follows_rows = []
    for pathway, _stop_points, _events, follows in rows.pathways:
        if follows and previous is not None and previous.patient_id == pathway.patient_id:
            pathway.previous_id = previous.pk
            follows_rows.append(pathway)
        previous = pathway
    if follows_rows:
        Pathway.objects.bulk_update(follows_rows, ["previous"], batch_size=BULK)
    stop_points: list[StopPoint] = []
    events: list[PathwayEvent] = []
    for pathway, sps, evs, _follows in rows.pathways:
        for sp in sps:
            sp.pathway_id = pathway.pk
        for ev in evs:
            ev.pathway_id = pathway.pk
            ev.patient_id = pathway.patient_id
        stop_points.extend(sps)
        events.extend(evs)
    # Registered when they happened, so measures "as of" a past time see the numbers of then.
    _fast_insert(StopPoint, stop_points, created="triggered_at")
    _fast_insert(PathwayEvent, events, created="occurred_at")
    ids = [p.pk for p in pathways]
    Pathway.objects.filter(pk__gte=min(ids), pk__lte=max(ids)).update(created_at=F("started_at"))
    if goals_rng is not None:
        goals, scorings = write_goals(
            goals_rng, pathways, version_id=version_id, now=now, change_at=change_at
        )
        summary.goals += goals
        summary.scorings += scorings
    summary.patients += len(rows.patients)
    summary.pathways += len(pathways)
    summary.stop_points += len(stop_points)
    summary.events += len(events)
