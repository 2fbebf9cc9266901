#!/usr/bin/env bash
# Run the whole suite on SQLite and then on a throw-away PostgreSQL server.
# Browser tests run in both passes, in Debian's Chromium through Playwright.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DJANGO_ALLOW_ASYNC_UNSAFE=true   # Playwright's sync API beside Django's live server
export PYTHONDONTWRITEBYTECODE=1

echo "== tests on SQLite"
env -u DATABASE_URL FORLOP_EXPECT_DB=sqlite "$BIN/pytest" -q -p no:cacheprovider "$@"

echo "== tests on PostgreSQL"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGTMP=$(mktemp -d /tmp/pgci.XXXXXX)
# A free port, so parallel runs (and a port already taken) never collide.
PGPORT=${FORLOP_TEST_PGPORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')}
cleanup() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast -w stop >/dev/null 2>&1 || true
  else "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast -w stop >/dev/null 2>&1 || true; fi
  # Keep the server log when the run failed: it says why.
  if [ "${1:-0}" != 0 ] && [ -f "$PGTMP/log" ]; then cp "$PGTMP/log" "/tmp/forlop-pg-$PGPORT.log"; echo "PostgreSQL log: /tmp/forlop-pg-$PGPORT.log" >&2; fi
  rm -rf "$PGTMP"
}
trap 'cleanup $?' EXIT
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PGTMP"; fi
as_pg "$PGBIN/initdb" -D "$PGTMP/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/log" -w -t 30 start \
  -o "-p $PGPORT -k $PGTMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
"$PGBIN/psql" -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE app LOGIN PASSWORD 'app' CREATEDB" -c "CREATE DATABASE app OWNER app" \
  -c "ALTER ROLE app SET forlop.allow_audit_truncate = 'on'"  # the flush between tests (core migration 0008)
DATABASE_URL="postgres://app:app@127.0.0.1:$PGPORT/app" FORLOP_EXPECT_DB=postgresql \
  "$BIN/pytest" -q -p no:cacheprovider "$@"
