#!/usr/bin/env bash
# The export benchmark (bench/bench_export_memory.py: FHIR bulk export and the xlsx export of a
# network's measures, rate and peak memory as the data grows) on a throw-away PostgreSQL of its
# own, on 127.0.0.1 and a free port; the cluster is removed afterwards. See docs/benchmarks.md.
# BENCH_SIZES, BENCH_RUNS, BENCH_PPM, BENCH_SEED, BENCH_BEFORE, BENCH_BEFORE_RUNS, BENCH_XLSX_SHEETS
# and BENCH_JSON pass through to the script. For a before/after in one run, give main's tree:
#   mkdir -p /tmp/before && git archive main | tar -x -C /tmp/before \
#     && (cd locale && find . -name '*.mo' -exec cp {} /tmp/before/locale/{} \;)
#   BENCH_BEFORE=/tmp/before nice -n 10 bash bench/export_memory.sh
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
"$PGBIN/psql" -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE app LOGIN PASSWORD 'app' CREATEDB" -c "CREATE DATABASE app OWNER app"
"$PGBIN/postgres" --version
echo "# $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)"
DATABASE_URL="postgres://app:app@127.0.0.1:$PGPORT/app" .venv/bin/python bench/bench_export_memory.py
