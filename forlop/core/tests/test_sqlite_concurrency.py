"""The embedded SQLite default serves several nurses at once (issue 11, defect 8).

Production-like: gunicorn (2 workers x 4 threads) on a demo database file, 8 nurses and leaders
at once, each reading patient pages, the work list and searching (every request writes its audit
row) and adding next of kin (a transaction that reads, then writes). Before WAL, a busy timeout and IMMEDIATE transactions, such a run answered many
requests with 500 ("database is locked")."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import pytest

from forlop.core.tests import live

pytestmark = [
    pytest.mark.skipif(
        os.environ.get("FORLOP_EXPECT_DB") == "postgresql",
        reason="runs its own SQLite server; once, in the SQLite pass, is enough",
    )
]

# Eight different people: a TOTP code is good for one login, as with a real authenticator app.
USERS = [
    "sykepleier",
    "sykepleier2",
    "leder",
    "fastlege",
    "fastlege2",
    "sykehus",
    "tildeling",
    "sykepleier.tonsberg",
]
ROUNDS = 25  # per user: 8 x 25 = 200 requests, like the probe


def test_eight_users_at_once_on_sqlite_get_no_errors(
    demo_sqlite: Path, static_root: Path, tmp_path: Path
):
    env = live.production_env(f"sqlite:///{demo_sqlite}", FORLOP_STATIC_ROOT=str(static_root))
    results: list[tuple[str, str, int]] = []
    lock = threading.Lock()
    start = threading.Barrier(len(USERS))

    def nurse(username: str) -> None:
        browser = live.Browser(server.url)
        browser.log_in(username)
        _, page = browser.request("/patients/")
        patients = sorted(set(re.findall(r'href="/patients/(\d+)/"', page)))[:6]
        start.wait(timeout=60)
        for i in range(ROUNDS):
            ops = [("/pathways/worklist/", None, 200), ("/patients/search/", {"q": "a"}, 200)]
            if patients:  # the allocation office serves none of the demo patients
                patient = patients[i % len(patients)]
                ops += [
                    (f"/patients/{patient}/", None, 200),
                    # a write whose transaction reads before it writes (validation, insert)
                    (f"/patients/{patient}/services/", {"kin": "1", "name": f"Pårørende {i}"}, 302),
                ]
            path, data, ok = ops[i % len(ops)]
            status, _ = browser.request(path, data)
            with lock:
                results.append((username, path, status if status != ok else 200))

    with live.gunicorn(env, log_path=tmp_path / "gunicorn.log") as server:
        threads = [threading.Thread(target=nurse, args=(u,)) for u in USERS]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=300)
        log = server.log()
    assert len(results) == len(USERS) * ROUNDS
    failures = [r for r in results if r[2] != 200]
    assert failures == []
    assert "database is locked" not in log
