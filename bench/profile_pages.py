"""Where a page's time goes, in the process: pyinstrument over repeated requests through
Django's test client (all middleware and context processors, the production settings), with
the query count and the time the SQL took. See docs/benchmarks.md ("HTTP").

    DATABASE_URL=postgres://... BENCH_USER=synth-001-sykepleier-1 \
      .venv/bin/python bench/profile_pages.py /password/ /pathways/worklist/

BENCH_REPEAT (default 10) requests per page after one warm-up; BENCH_PROFILE_HTML=dir also
writes each page's profile as HTML there. Reads only (the pages are GETs); nothing is kept but
the session row it makes.
"""

from __future__ import annotations

import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
os.environ.setdefault("FORLOP_SECURE", "false")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from pyinstrument import Profiler  # noqa: E402

from forlop.core.models import User  # noqa: E402

# Calls worth counting per request: what the profile named (template includes,
# reverse(), model instances, translations).
COUNTED = ("reverse", "render", "from_db", "gettext", "do_translate")


def main(paths: list[str]) -> None:
    repeat = int(os.environ.get("BENCH_REPEAT", "10"))
    html_dir = os.environ.get("BENCH_PROFILE_HTML")
    signed_in = client = Client()
    client.force_login(User.objects.get(username=os.environ.get("BENCH_USER", "sykepleier")))
    session = client.session
    session["forlop_login_method"] = "helseid"
    session.save()
    client.cookies["sessionid"] = session.session_key
    anonymous = Client()
    for path in paths:
        # The login page is measured as the HTTP bench measures it: without a session.
        client = anonymous if path == "/login/" else signed_in
        response = client.get(path)  # warm-up: templates loaded, connection open
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code}, not 200 (is BENCH_USER right?)")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        # Read now: the next request's request_started signal empties the connection's log.
        count = len(queries.captured_queries)
        sql_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        times, cpu = [], []
        for _ in range(repeat):  # timed without the profiler, whose hooks slow every call
            start, start_cpu = time.perf_counter(), time.process_time()
            client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        profiler = Profiler(interval=0.001)
        profiler.start()
        for _ in range(repeat):
            client.get(path)
        profiler.stop()
        counter = cProfile.Profile()
        counter.enable()
        client.get(path)
        counter.disable()
        print(f"== {path}: {len(response.content):,} bytes, {count} queries, SQL {sql_ms:.1f} ms")
        # The process's CPU time leaves out the database's and the time spent waiting for a
        # core, so it stays comparable on a loaded machine.
        print(
            f"   median {statistics.median(times):.1f} ms over {repeat} (min {min(times):.1f}),"
            f" CPU {statistics.median(cpu):.1f} ms (min {min(cpu):.1f})"
        )
        stats = pstats.Stats(counter)
        calls: dict[str, int] = {}
        for (_file, _line, name), (_cc, ncalls, *_rest) in stats.stats.items():  # type: ignore[attr-defined]
            if name in COUNTED:
                calls[name] = calls.get(name, 0) + ncalls
        print("   calls in one request:", ", ".join(f"{k} {v}" for k, v in sorted(calls.items())))
        print(profiler.output_text(unicode=False, color=False, show_all=False, short_mode=True))
        if html_dir:
            name = path.strip("/").replace("/", "_") or "root"
            Path(html_dir, f"{name}.html").write_text(profiler.output_html())


if __name__ == "__main__":
    main(sys.argv[1:] or ["/password/", "/pathways/worklist/"])
