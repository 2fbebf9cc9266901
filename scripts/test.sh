#!/usr/bin/env bash
# Run the whole suite on SQLite and then on a throw-away PostgreSQL server.
# Browser tests run in both passes, in Debian's Chromium through Playwright.
# Arguments go to pytest (e.g. a test file). The environment chooses the rest:
#   FORLOP_TEST_DBS      the passes: "sqlite postgresql" (default), or one of them
#   FORLOP_TEST_WORKERS  pytest-xdist workers per pass (default: cores + 1; 0 = serial)
#   FORLOP_FAKETIME      run the pass with the clock moved by libfaketime: an offset ("+30d",
#                        "+400d") or an absolute UTC time ("2027-03-28 00:30:00")
#   FORLOP_TEST_PGPORT   the PostgreSQL port (default: a free one)
#   FORLOP_TEST_TOGETHER 1 (default with both passes): the two passes run at the same time, each
#                        log printed when its pass ends; 0: one after the other, output live
# See docs/testing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DJANGO_ALLOW_ASYNC_UNSAFE=true   # Playwright's sync API beside Django's live server
export PYTHONDONTWRITEBYTECODE=1
DBS=${FORLOP_TEST_DBS:-sqlite postgresql}
TOGETHER=${FORLOP_TEST_TOGETHER:-1}
[[ " $DBS " == *" sqlite "* && " $DBS " == *" postgresql "* ]] || TOGETHER=0
# One worker more than there are cores: with one per core the SQLite pass kept the CPU busy only
# about 64% of its time (12 min of CPU in 9.5 min on 2 cores), the rest spent waiting on Chromium,
# the servers and processes that tests start; a third worker runs while another waits. With the
# passes together, one worker per core in each: four processes, so one runs while another waits
# (and the one pass's start-up and tail overlap the other's middle).
if [ "$TOGETHER" = 1 ]; then DEFAULT_WORKERS=$(nproc); else DEFAULT_WORKERS=$(($(nproc) + 1)); fi
WORKERS=${FORLOP_TEST_WORKERS:-$DEFAULT_WORKERS}

# Our own modules' bytecode, written once here (only what changed since the last run): the
# environment sets PYTHONDONTWRITEBYTECODE, and the libraries' bytecode comes with make install.
"$BIN/python" -m compileall -q -j 0 forlop config conftest.py >/dev/null

# xdist: worksteal hands a long test file's tests to whichever worker is free.
PYTEST=("$BIN/pytest" -q -p no:cacheprovider)
if [ "$WORKERS" != 0 ]; then PYTEST+=(-n "$WORKERS" --dist worksteal); fi

# The shifted clock. An absolute time becomes an offset from now, so every process (pytest, its
# xdist workers, Chromium, PostgreSQL) sees the same clock whenever it starts; libfaketime's own
# "@time" form starts each process's clock at that time when the process starts.
SHIFT=()
if [ -n "${FORLOP_FAKETIME:-}" ]; then
  # libfaketime itself, preloaded, rather than the faketime wrapper: the wrapper waits for every
  # process it started, so it never returned from pg_ctl, whose server runs on in the background.
  # The thread-safe (MT) library: the live server, xdist and Chromium use threads.
  LIBFAKETIME=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2>/dev/null | head -1)
  [ -n "$LIBFAKETIME" ] || { echo "FORLOP_FAKETIME needs Debian's faketime (make system-deps)" >&2; exit 1; }
  case "$FORLOP_FAKETIME" in
    [+-]*) offset=$FORLOP_FAKETIME ;;
    *)
      seconds=$(($(date -u -d "$FORLOP_FAKETIME" +%s) - $(date -u +%s)))
      if [ "$seconds" -ge 0 ]; then offset="+${seconds}s"; else offset="${seconds}s"; fi ;;
  esac
  SHIFT=(env LD_PRELOAD="$LIBFAKETIME" FAKETIME="$offset")
  echo "== clock moved by $offset: $("${SHIFT[@]}" date -u '+%Y-%m-%d %H:%M:%S UTC')"
fi

for db in $DBS; do
  case $db in sqlite | postgresql) ;; *) echo "FORLOP_TEST_DBS: unknown database $db" >&2; exit 2 ;; esac
done

# The demo copies the workers of this run share (forlop/demo/testing.py): the first worker to
# need the demo in a starting state loads it and leaves its copy here for the others.
DEMO_SHARED=$(mktemp -d /tmp/forlop-demo.XXXXXX)
export FORLOP_DEMO_SHARED=$DEMO_SHARED
trap 'rm -rf "$DEMO_SHARED"' EXIT

run_sqlite() { env -u DATABASE_URL FORLOP_EXPECT_DB=sqlite "${SHIFT[@]}" "${PYTEST[@]}" "$@"; }

if [[ " $DBS " == *" sqlite "* && "$TOGETHER" != 1 ]]; then
  echo "== tests on SQLite"
  run_sqlite "$@"
fi

[[ " $DBS " == *" postgresql "* ]] || exit 0
echo "== tests on PostgreSQL"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGTMP=$(mktemp -d /tmp/pgci.XXXXXX)
# A free port, so parallel runs (and a port already taken) never collide.
PGPORT=${FORLOP_TEST_PGPORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast -w stop >/dev/null 2>&1 || true
  # Keep the server log when the run failed: it says why.
  if [ "${1:-0}" != 0 ] && [ -f "$PGTMP/log" ]; then cp "$PGTMP/log" "/tmp/forlop-pg-$PGPORT.log"; echo "PostgreSQL log: /tmp/forlop-pg-$PGPORT.log" >&2; fi
  rm -rf "$PGTMP"
}
trap 'rc=$?; cleanup $rc; rm -rf "$DEMO_SHARED"' EXIT
if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PGTMP"; fi
as_pg "$PGBIN/initdb" -D "$PGTMP/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
# The server runs under the same shifted clock as the tests: now(), CURRENT_DATE and the server's
# own timestamps then agree with Python's timezone.now(), as on a real server a year from now.
# A server on the real clock would be 400 days "behind" the application it serves.
# log_lock_waits and log_min_duration_statement: a slow or blocked statement leaves its reason in
# the log that a failed run keeps (lock waits name the blocking process; a slow plan its time).
as_pg "${SHIFT[@]}" "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/log" -w -t 60 start \
  -o "-p $PGPORT -k $PGTMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c log_lock_waits=on -c deadlock_timeout=5s -c log_min_duration_statement=5000 -c log_line_prefix='%m [%p] '" >/dev/null
"$PGBIN/psql" -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE app LOGIN PASSWORD 'app' CREATEDB" -c "CREATE DATABASE app OWNER app" \
  -c "ALTER ROLE app SET forlop.allow_audit_truncate = 'on'"  # the flush between tests (core migration 0008)
run_postgresql() {
  DATABASE_URL="postgres://app:app@127.0.0.1:$PGPORT/app" FORLOP_EXPECT_DB=postgresql \
    "${SHIFT[@]}" "${PYTEST[@]}" "$@"
}
if [ "$TOGETHER" != 1 ]; then
  run_postgresql "$@"
  exit 0
fi

# Both passes at once, each into its own log; a log is printed whole when its pass ends, so the
# two never interleave, and the run fails if either pass failed.
LOGS=$(mktemp -d /tmp/forlop-passes.XXXXXX)
echo "== tests on SQLite and on PostgreSQL at once ($WORKERS workers each; logs in $LOGS)"
run_sqlite "$@" >"$LOGS/sqlite.log" 2>&1 &
sqlite_pid=$!
run_postgresql "$@" >"$LOGS/postgresql.log" 2>&1 &
pg_pid=$!
sqlite_rc=0
pg_rc=0
wait "$sqlite_pid" || sqlite_rc=$?
echo "== tests on SQLite (exit $sqlite_rc)"
cat "$LOGS/sqlite.log"
wait "$pg_pid" || pg_rc=$?
echo "== tests on PostgreSQL (exit $pg_rc)"
cat "$LOGS/postgresql.log"
echo "== SQLite: exit $sqlite_rc; PostgreSQL: exit $pg_rc"
[ "$sqlite_rc" = 0 ] && [ "$pg_rc" = 0 ]
