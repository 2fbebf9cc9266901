"""Benchmark: the measures on a PostgreSQL streaming replica through the router, against the
same on the primary, as ratios to a sequential scan of the stop points (issue 16, item 5).

Run by bench/replica.sh, which starts the primary and the standby and fills the primary with
`forlop generate`; this script reads, except for the refused writes it tries on the replica:
  DATABASE_URL=postgres://...primary DATABASE_REPLICA_URL=postgres://...replica \
    .venv/bin/python bench/bench_replica.py

Environment: BENCH_REPEAT (timed repeats of each side, default 7, after one warm-up each).

What it does, in order:
  1. checks the replica is a standby (pg_is_in_recovery) and waits until it has replayed the
     primary's WAL (pg_last_wal_replay_lsn >= pg_current_wal_lsn): how long and how many bytes;
  2. checks the replica refuses writes: an ORM insert through the replica alias, and a raw
     connection without the application's read-only session setting;
  3. checks the router: inside replica_reads() the measures' queries run on the replica and
     none on the primary; an audit row written inside lands on the primary;
  4. computes every default measure x 24 months for every municipality (measure_series_grouped,
     one grouped query per measure) on the replica and on the primary with the same as-of time
     and compares the results (the CSV export of every series, byte for byte);
  5. times that pass on each side, interleaved (primary, replica, primary, ...), and
     `SELECT count(*)` of the stop points on each side: median and interquartile range.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The production settings, not the test settings: those turn a DATABASE_REPLICA_URL into a
# mirror of default (a second connection to the primary). DEBUG off, as in production (no
# query log kept); the secret and hosts are for this process only.
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ["DJANGO_DEBUG"] = "false"
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")

import django

django.setup()

import psycopg  # noqa: E402
from benchtools import summary  # noqa: E402
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from forlop.core.audit import audit_record  # noqa: E402
from forlop.core.dbrouter import REPLICA, replica_configured, replica_reads  # noqa: E402
from forlop.core.models import AuditEvent, AuditVerb, Organisation  # noqa: E402
from forlop.measures import exports  # noqa: E402
from forlop.measures.models import Measure  # noqa: E402
from forlop.measures.selectors import (  # noqa: E402
    default_window,
    measure_series_grouped,
    scope_for_organisation,
)


def one(alias: str, sql: str, params: list[object] | None = None) -> object:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def wait_for_replay(timeout: float = 600.0) -> tuple[float, int]:
    """Seconds until the replica had replayed the primary's current WAL position, and the
    bytes it was behind when we started waiting."""
    target = one(DEFAULT_DB_ALIAS, "SELECT pg_current_wal_lsn()::text")
    behind = int(
        one(
            DEFAULT_DB_ALIAS,
            "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint"
            " FROM pg_stat_replication LIMIT 1",
        )
        or 0
    )
    t0 = time.perf_counter()
    while True:
        caught_up = one(REPLICA, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
        if caught_up:
            return time.perf_counter() - t0, behind
        if time.perf_counter() - t0 > timeout:
            raise SystemExit(f"the replica did not reach {target} in {timeout:.0f} s")
        time.sleep(0.1)


def refused_writes() -> list[str]:
    """The replica's answers to writes: each must be an error."""
    answers = []
    try:
        Organisation.objects.using(REPLICA).create(
            kind=Organisation.Kind.MUNICIPALITY, name="Skrivevik kommune", code="bench-write"
        )
        answers.append("ORM insert through the replica alias: ACCEPTED (wrong)")
    except DatabaseError as error:
        answers.append(f"ORM insert through the replica alias: {str(error).splitlines()[0]}")
    # Without the application's read-only session setting: the standby itself refuses.
    replica = connections[REPLICA].settings_dict
    with psycopg.connect(
        host=replica["HOST"],
        port=replica["PORT"],
        user=replica["USER"],
        password=replica["PASSWORD"],
        dbname=replica["NAME"],
        autocommit=True,
    ) as raw:
        for sql in (
            "SET default_transaction_read_only = off",
            "INSERT INTO core_organisation (created_at, updated_at, kind, name, code)"
            " VALUES (now(), now(), 'municipality', 'Skrivevik kommune', 'bench-write')",
        ):
            try:
                raw.execute(sql)
                answers.append(f"raw `{sql[:40]}…`: accepted")
            except psycopg.Error as error:
                answers.append(f"raw `{sql[:40]}…`: {str(error).splitlines()[0]}")
    return answers


def main() -> None:
    if not replica_configured():
        raise SystemExit("DATABASE_REPLICA_URL is not set")
    repeat = int(os.environ.get("BENCH_REPEAT", "7"))
    load = os.getloadavg()
    print(
        f"# PostgreSQL {one(DEFAULT_DB_ALIAS, 'SHOW server_version')},"
        f" Python {platform.python_version()}, {os.cpu_count()} cpus,"
        f" load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    standby = one(REPLICA, "SELECT pg_is_in_recovery()")
    primary_standby = one(DEFAULT_DB_ALIAS, "SELECT pg_is_in_recovery()")
    print(f"# replica in recovery (a standby): {standby}; primary in recovery: {primary_standby}")
    if not standby or primary_standby:
        raise SystemExit("DATABASE_REPLICA_URL must be a standby of DATABASE_URL")
    waited, behind = wait_for_replay()
    print(f"# replica caught up: {behind} bytes behind, replayed in {waited:.2f} s")
    delay = one(
        REPLICA,
        "SELECT coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), -1)::float",
    )
    print(
        f"# replay delay now: {delay:.1f} s since the last replayed transaction committed"
        " on the primary (grows while the primary is idle)"
    )

    for answer in refused_writes():
        print(f"# refused write? {answer}")

    now = timezone.now()
    today = timezone.localdate()
    measures = list(Measure.objects.filter(organisation__isnull=True).order_by("code"))
    orgs = list(
        Organisation.objects.filter(
            kind=Organisation.Kind.MUNICIPALITY, code__startswith="synth-"
        ).order_by("code")
    )
    scopes = [scope_for_organisation(o) for o in orgs]
    windows = {m.pk: default_window(today=today, period=m.period) for m in measures}
    pathways = one(REPLICA, "SELECT count(*) FROM pathways_pathway")
    stop_points = one(REPLICA, "SELECT count(*) FROM pathways_stoppoint")
    print(
        f"# {pathways} pathways, {stop_points} stop points on the replica;"
        f" {len(orgs)} municipalities, {len(measures)} default measures x 24 months,"
        f" {repeat} repeats"
    )

    def every_municipality() -> list:
        out = []
        for m in measures:
            first, last = windows[m.pk]
            by_code = measure_series_grouped(
                m, scopes=scopes, first=first, last=last, as_of=now, notes={}
            )
            out.extend(by_code[s.code] for s in scopes)
        return out

    def on_replica() -> list:
        with replica_reads() as used:
            assert used, "replica_reads() fell back to the primary"  # noqa: S101
            return every_municipality()

    def on_primary() -> list:
        return every_municipality()

    # Where the queries ran, and the same results on both.
    with (
        CaptureQueriesContext(connections[REPLICA]) as r_q,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as p_q,
    ):
        from_replica = exports.to_csv(on_replica())
    print(f"# through the router: {len(r_q)} queries on the replica, {len(p_q)} on the primary")
    from_primary = exports.to_csv(on_primary())
    same = from_replica == from_primary
    print(
        f"# results identical on both: {same}"
        f" ({len(from_primary.splitlines()) - 1} CSV rows, {len(from_primary)} bytes)"
    )
    before = AuditEvent.objects.count()
    with replica_reads():
        audit_record(actor=None, verb=AuditVerb.PATIENT_VIEWED, data={"bench": "replica"})
    print(
        "# audit row written inside replica_reads(): on the primary"
        f" {AuditEvent.objects.count() - before}, on the replica"
        f" {AuditEvent.objects.using(REPLICA).count() - before} before it replays"
    )

    def count_on(alias: str) -> Callable[[], object]:
        return lambda: one(alias, "SELECT count(*) FROM pathways_stoppoint")

    ops: dict[str, Callable[[], object]] = {
        "baseline `SELECT count(*)` of the stop points, primary": count_on(DEFAULT_DB_ALIAS),
        "baseline `SELECT count(*)` of the stop points, replica": count_on(REPLICA),
        "all measures x 24 months, every municipality, primary": on_primary,
        "all measures x 24 months, every municipality, replica (router)": on_replica,
    }
    samples: dict[str, list[float]] = {name: [] for name in ops}
    for fn in ops.values():
        fn()  # warm both sides: caches, plans
    for _ in range(repeat):
        for name, fn in ops.items():  # interleaved: a load change hits both sides alike
            t0 = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - t0)
        sys.stdout.flush()
    base_p = summary(samples["baseline `SELECT count(*)` of the stop points, primary"])[0]
    base_r = summary(samples["baseline `SELECT count(*)` of the stop points, replica"])[0]
    print("| operation | median | IQR | ratio to its side's baseline |")
    print("|---|---|---|---|")
    for name, values in samples.items():
        median, iqr = summary(values)
        base = base_r if name.endswith(("replica", "(router)")) else base_p
        print(f"| {name} | {median * 1000:.1f} ms | {iqr * 1000:.1f} ms | {median / base:.1f}× |")
    p = summary(samples["all measures x 24 months, every municipality, primary"])[0]
    r = summary(samples["all measures x 24 months, every municipality, replica (router)"])[0]
    print(f"# ratio replica / primary (medians): {r / p:.2f}")
    load = os.getloadavg()
    print(f"# load at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    if not same:
        raise SystemExit("the replica's results differ from the primary's")


if __name__ == "__main__":
    main()
