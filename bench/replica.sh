#!/usr/bin/env bash
# The read-replica benchmark (bench/bench_replica.py): a throw-away PostgreSQL primary and a
# streaming standby of it (pg_basebackup -R), each on 127.0.0.1 and a free port, in temporary
# directories owned by the postgres user; both are stopped and removed afterwards.
# The standby is made before the data exists, so everything the benchmark reads reached it by
# streaming replication: migrate and `forlop generate` run on the primary only.
# BENCH_PATIENTS (default 16000; 4,000 per municipality), BENCH_SEED (1) and BENCH_REPEAT (7)
# pass through. See docs/benchmarks.md ("Measures on a read replica").
set -euo pipefail
cd "$(dirname "$0")/.."
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGTMP=$(mktemp -d /tmp/pgreplica.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
PRIMARY_PORT=$(free_port)
REPLICA_PORT=$(free_port)
while [ "$REPLICA_PORT" = "$PRIMARY_PORT" ]; do REPLICA_PORT=$(free_port); done
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
SAMPLER=""
cleanup() {
  if [ -n "$SAMPLER" ]; then kill "$SAMPLER" 2>/dev/null || true; fi
  as_pg "$PGBIN/pg_ctl" -D "$PGTMP/replica" -m fast -w stop >/dev/null 2>&1 || true
  as_pg "$PGBIN/pg_ctl" -D "$PGTMP/primary" -m fast -w stop >/dev/null 2>&1 || true
  if [ "${1:-0}" != 0 ]; then
    for side in primary replica; do
      [ -f "$PGTMP/$side.log" ] && cp "$PGTMP/$side.log" "/tmp/forlop-replica-bench-$side.log" \
        && echo "PostgreSQL $side log: /tmp/forlop-replica-bench-$side.log" >&2
    done
  fi
  rm -rf "$PGTMP"
}
trap 'cleanup $?' EXIT
if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$PGTMP"; fi

# The primary. initdb's pg_hba.conf (-A trust) already allows replication connections from
# 127.0.0.1; wal_level=replica and max_wal_senders=10 are PostgreSQL's defaults, set here so
# the script says what it relies on. Durability off (a benchmark database is thrown away);
# memory settings left at the defaults, as in bench/scale.sh.
as_pg "$PGBIN/initdb" -D "$PGTMP/primary" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
as_pg "$PGBIN/pg_ctl" -D "$PGTMP/primary" -l "$PGTMP/primary.log" -w -t 30 start \
  -o "-p $PRIMARY_PORT -k $PGTMP -c listen_addresses=127.0.0.1 -c wal_level=replica -c max_wal_senders=10 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
"$PGBIN/psql" -q -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 \
  -c "CREATE ROLE app LOGIN PASSWORD 'app' CREATEDB" -c "CREATE DATABASE app OWNER app"

# The standby: a base backup of the primary, -R writes standby.signal and primary_conninfo,
# -X stream copies the WAL written meanwhile, --checkpoint=fast starts at once (the default, a
# spread checkpoint, waited 90 s on an idle cluster here). hot_standby is on by default; the feedback
# keeps the primary's vacuum from removing rows a long measures query on the standby still
# reads (otherwise: "canceling statement due to conflict with recovery").
as_pg "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$PGTMP/replica" -R -X stream --checkpoint=fast --no-sync
as_pg "$PGBIN/pg_ctl" -D "$PGTMP/replica" -l "$PGTMP/replica.log" -w -t 60 start \
  -o "-p $REPLICA_PORT -k $PGTMP -c listen_addresses=127.0.0.1 -c hot_standby=on -c hot_standby_feedback=on -c fsync=off" >/dev/null
"$PGBIN/postgres" --version
"$PGBIN/psql" -Atq -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -d postgres \
  -c "SELECT 'streaming to the standby: ' || state || ', sync ' || sync_state FROM pg_stat_replication"

export DATABASE_URL="postgres://app:app@127.0.0.1:$PRIMARY_PORT/app"
export DATABASE_REPLICA_URL="postgres://app:app@127.0.0.1:$REPLICA_PORT/app"
export DJANGO_DEBUG=true
PATIENTS=${BENCH_PATIENTS:-16000}
echo "## $PATIENTS patients, $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
# The standby's lag while the primary is written to: every 0.5 s, the bytes of WAL the standby
# has not replayed yet and PostgreSQL's replay_lag (the time from a WAL write on the primary to
# its replay on the standby), from pg_stat_replication on the primary.
sample_lag() {
  while :; do
    "$PGBIN/psql" -Atq -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -d postgres -F ' ' -c \
      "SELECT coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint, 0), coalesce(extract(epoch FROM replay_lag), 0) FROM pg_stat_replication" \
      >> "$PGTMP/lag" 2>/dev/null || true
    sleep 0.5
  done
}
sample_lag &
SAMPLER=$!
start=$(date +%s)
.venv/bin/forlop migrate -v0
.venv/bin/forlop generate --patients "$PATIENTS" --patients-per-municipality 4000 \
  --seed "${BENCH_SEED:-1}" --no-progress
"$PGBIN/psql" -q -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -d app -c ANALYZE
echo "# migrated, generated and analysed on the primary in $(($(date +%s) - start)) s"
kill "$SAMPLER"; wait "$SAMPLER" 2>/dev/null || true; SAMPLER=""
python3 - "$PGTMP/lag" <<'PY'
import statistics, sys
rows = [tuple(map(float, line.split())) for line in open(sys.argv[1]) if len(line.split()) == 2]
behind = [b for b, _ in rows]
lag = [t for _, t in rows]
q = lambda xs, p: sorted(xs)[min(len(xs) - 1, int(p * len(xs)))]
print(f"# standby lag during the load, {len(rows)} samples every 0.5 s:"
      f" WAL not replayed median {statistics.median(behind) / 1024:.0f} KiB,"
      f" p95 {q(behind, 0.95) / 1024:.0f} KiB, max {max(behind) / 1024:.0f} KiB;"
      f" replay_lag median {statistics.median(lag):.3f} s, p95 {q(lag, 0.95):.3f} s,"
      f" max {max(lag):.3f} s")
PY
# The statistics ANALYZE wrote reach the standby by replication too (pg_statistic is WAL-logged).
.venv/bin/python bench/bench_replica.py
# The command line end to end, once on each side (process start included): the same CSV?
# (Each run takes its own "now"; a deadline passing between the two would show as a difference.)
for side in primary replica; do
  t0=$(date +%s.%N)
  if [ "$side" = primary ]; then
    env -u DATABASE_REPLICA_URL .venv/bin/forlop measures --all-municipalities -o "$PGTMP/$side.csv"
  else
    .venv/bin/forlop measures --all-municipalities -o "$PGTMP/$side.csv"
  fi
  echo "# forlop measures --all-municipalities on the $side: $(python3 -c "print(f'{$(date +%s.%N) - $t0:.2f}')") s, $(wc -l < "$PGTMP/$side.csv") lines"
done
if cmp -s "$PGTMP/primary.csv" "$PGTMP/replica.csv"; then echo "# the two CSV files are identical"; else echo "# the two CSV files differ"; fi
