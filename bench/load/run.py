"""`make bench-load`: the Locust load test against the production set-up, on this machine only.

Starts a PostgreSQL cluster of its own, loads the demo, adds load users (each with a TOTP
device), runs gunicorn (config/gunicorn.py), runs Locust headless on 127.0.0.1 bounded in time
and in count, and prints requests/s, p50/p95/p99, errors and gunicorn's memory at start and end.
"""

from __future__ import annotations

import csv
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from forlop.core.tests import live  # noqa: E402

USERS = int(os.environ.get("FORLOP_LOAD_USERS", "20"))
RUN_TIME = os.environ.get("FORLOP_LOAD_TIME", "60s")
MAX_REQUESTS = os.environ.get("FORLOP_LOAD_MAX_REQUESTS", "20000")
WORKERS = int(os.environ.get("FORLOP_LOAD_WORKERS", "3"))
NURSES, LEADERS = USERS, max(2, USERS // 4)

SETUP = f"""
from django_otp.plugins.otp_totp.models import TOTPDevice
from forlop.core.models import Membership, Role, Unit, User
from forlop.core.tests.live import totp_key
from forlop.demo.password import DEMO_PASSWORD
nord, sor = Unit.objects.get(code="horten-nord"), Unit.objects.get(code="horten-sor")
for kind, count in (("nurse", {NURSES}), ("leader", {LEADERS})):
    for i in range(1, count + 1):
        name = f"load-{{kind}}-{{i}}"
        user, _ = User.objects.get_or_create(username=name, defaults={{"first_name": "Last", "last_name": name}})
        user.set_password(DEMO_PASSWORD)
        user.save()
        units = [nord if i % 2 else sor] if kind == "nurse" else [nord, sor]
        role = Role.PRIMARY_CONTACT if kind == "nurse" else Role.UNIT_LEADER
        for unit in units:
            Membership.objects.get_or_create(user=user, unit=unit, role=role)
        TOTPDevice.objects.update_or_create(user=user, name="load", defaults={{"key": totp_key(name), "confirmed": True}})
"""


def rss_mib(pid: int) -> float:
    """Resident memory of gunicorn: the master and its workers."""
    out = subprocess.run(  # noqa: S603 - ps with fixed arguments
        ["ps", "-o", "rss=", "--ppid", str(pid), "-p", str(pid)],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return sum(int(x) for x in out.split()) / 1024


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="forlop-load-"))
    static = work / "static"
    with live.postgres_cluster() as pg:
        env = live.production_env(
            pg.url, FORLOP_STATIC_ROOT=str(static), DATABASE_CONN_MAX_AGE="60"
        )
        print("setting up: migrate, static files, demo data, load users", flush=True)
        live.forlop("collectstatic", "--noinput", "-v0", env=env)
        live.forlop("migrate", "--noinput", "-v0", env=env)
        live.forlop("demo", env=env)
        live.forlop("shell", "-c", SETUP, env=env)
        with live.gunicorn(
            env, log_path=work / "gunicorn.log", workers=WORKERS, threads=2
        ) as server:
            # warm up each worker (imports, first queries) before the start figure
            warm = live.Browser(server.url)
            for _ in range(WORKERS * 4):
                warm.request("/login/")
            memory_start = rss_mib(server.process.pid)
            started = time.monotonic()
            result = subprocess.run(  # noqa: S603
                [
                    str(live.BIN / "locust"),
                    "-f",
                    str(ROOT / "bench/load/locustfile.py"),
                    "--headless",
                    "--host",
                    server.url,
                    "-u",
                    str(USERS + LEADERS),
                    "-r",
                    "10",
                    "--run-time",
                    RUN_TIME,
                    "--csv",
                    str(work / "locust"),
                    "--only-summary",
                    "--stop-timeout",
                    "5",
                ],
                env={**os.environ, "FORLOP_LOAD_MAX_REQUESTS": MAX_REQUESTS},
                capture_output=True,
                text=True,
                check=False,
                timeout=600,
            )
            elapsed = time.monotonic() - started
            memory_end = rss_mib(server.process.pid)
    rows = list(csv.DictReader((work / "locust_stats.csv").open()))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    print(result.stdout[-3000:])
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}"
    )
    print(
        f"gunicorn: {WORKERS} workers x 2 threads; PostgreSQL, own cluster; {USERS} nurses + {LEADERS} leaders; {RUN_TIME} (max {MAX_REQUESTS} requests); ran {elapsed:.0f} s"
    )
    print()
    print("| request | count | errors | req/s | p50 ms | p95 ms | p99 ms |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['Name']} | {r['Request Count']} | {r['Failure Count']} | {float(r['Requests/s']):.1f} "
            f"| {r['50%']} | {r['95%']} | {r['99%']} |"
        )
    print()
    print(
        f"memory (gunicorn master + workers, RSS): {memory_start:.0f} MiB at start, {memory_end:.0f} MiB at end"
    )
    print(f"errors: {total['Failure Count']}")
    if int(total["Failure Count"]) != 0:
        print((work / "locust_failures.csv").read_text())
        raise SystemExit(1)


if __name__ == "__main__":
    main()
