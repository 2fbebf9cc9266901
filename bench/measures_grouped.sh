#!/usr/bin/env bash
# The grouped-measures benchmark (bench/bench_measures_grouped.py) on a throw-away PostgreSQL of
# its own, on 127.0.0.1 and a free port; one database per size of BENCH_SIZES (default
# 4000,16000,40000), each filled by `forlop generate` (seed 1, 4,000 patients per municipality);
# the cluster is removed afterwards. BENCH_REPEAT passes through; the last part (the measures'
# rollup) writes to each database. See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGTMP=$(mktemp -d /tmp/pgbench.XXXXXX)
PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() { as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$PGTMP"; }
trap cleanup EXIT
if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PGTMP"; fi
as_pg "$PGBIN/initdb" -D "$PGTMP/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
# Durability off (a benchmark database is thrown away); memory settings left at the defaults.
as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/log" -w -t 30 start \
  -o "-p $PGPORT -k $PGTMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
"$PGBIN/postgres" --version
"$PGBIN/psql" -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE app LOGIN PASSWORD 'app' CREATEDB"
SIZES=${BENCH_SIZES:-4000,16000,40000}
for size in ${SIZES//,/ }; do
  "$PGBIN/psql" -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE DATABASE app$size OWNER app"
  export DATABASE_URL="postgres://app:app@127.0.0.1:$PGPORT/app$size" DJANGO_DEBUG=true
  .venv/bin/forlop migrate -v0
  .venv/bin/forlop generate --patients "$size" --patients-per-municipality 4000 --seed 1 --no-progress
  "$PGBIN/psql" -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d "app$size" -c ANALYZE
  echo "## $size patients, $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
  .venv/bin/python bench/bench_measures_grouped.py
done
