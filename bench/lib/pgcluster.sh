# shellcheck shell=bash
# A throw-away PostgreSQL cluster for a benchmark, sourced by the bench/*.sh scripts:
#   source bench/lib/pgcluster.sh
#   pg_cluster_start pgbench        # initdb + start on 127.0.0.1 and a free port; role app
#   pg_cluster_createdb app         # a database owned by app
#   psql_super -d app -c ANALYZE    # psql as the superuser
# It sets PGBIN, PGTMP, PGPORT and pg_cluster_url (postgres://app:app@127.0.0.1:PORT/), and
# removes the cluster when the script exits unless PG_CLUSTER_KEEP=1. Durability is off (fsync,
# synchronous_commit, full_page_writes: the database is thrown away); memory settings stay at
# the defaults. Extra server settings: PG_CLUSTER_OPTIONS="-c work_mem=64MB".
# The test suite's cluster (scripts/test.sh) and the primary/standby pair of bench/replica.sh
# start their own: they log lock waits, shift the clock, or stream WAL.

PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

psql_super() { "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PGPORT" -U postgres -v ON_ERROR_STOP=1 "$@"; }

pg_cluster_stop() {
  as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PGTMP"
}

pg_cluster_start() {
  local prefix=${1:-pgbench}
  PGTMP=$(mktemp -d "/tmp/$prefix.XXXXXX")
  PGPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  pg_cluster_url="postgres://app:app@127.0.0.1:$PGPORT/"
  if [ "${PG_CLUSTER_KEEP:-0}" != 1 ]; then trap pg_cluster_stop EXIT; fi
  if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PGTMP"; fi
  as_pg "$PGBIN/initdb" -D "$PGTMP/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  # shellcheck disable=SC2086 # PG_CLUSTER_OPTIONS is a list of -c settings
  as_pg "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/log" -w -t 30 start \
    -o "-p $PGPORT -k $PGTMP -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${PG_CLUSTER_OPTIONS:-}" >/dev/null
  psql_super -d postgres -c "CREATE ROLE app LOGIN PASSWORD 'app' CREATEDB"
  "$PGBIN/postgres" --version
}

pg_cluster_createdb() { psql_super -d postgres -c "CREATE DATABASE $1 OWNER app"; }
