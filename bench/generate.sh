#!/usr/bin/env bash
# `forlop generate` at scale on a throw-away PostgreSQL of its own (127.0.0.1, a free port,
# fsync off: the database is thrown away), under /usr/bin/time -v for the peak RSS, then the
# database's size and row counts. See docs/benchmarks.md (the generator's section).
#   GEN_ARGS   the generate command's arguments (default: 10 municipalities of 4,000 patients)
#   GEN_PROFILE=1  record a py-spy profile (speedscope JSON, $GEN_OUT/profile.json; workers too)
#   GEN_KEEP=1     leave the cluster running afterwards (prints its DATABASE_URL), e.g. to point
#                  bench/bench_scale.py's timings at it; stop it with the printed command
#   GEN_OUT        where the log and the profile go (default: a new directory under /tmp)
#   GEN_SETUP_SQL  SQL run as the superuser after the migrations, for experiments (e.g. what
#                  the indexes or the foreign-key checks cost); never needed for a plain run
#   GEN_PGOPTIONS  libpq's PGOPTIONS for the generator's connections only (experiments too)
set -euo pipefail
cd "$(dirname "$0")/.."
GEN_ARGS=${GEN_ARGS:---municipalities 10 --patients-per-municipality 4000 --seed 1}
GEN_OUT=${GEN_OUT:-$(mktemp -d /tmp/forlop-generate.XXXXXX)}
mkdir -p "$GEN_OUT"
source bench/lib/pgcluster.sh
PG_CLUSTER_KEEP=${GEN_KEEP:-0} pg_cluster_start pggen
pg_cluster_createdb app
psql() { psql_super "$@"; }
stop="$PGBIN/pg_ctl -D $PGTMP/data -m fast -w stop"
# The test settings (DEBUG off, so no query log; a test secret), as bench/bench_scale.py uses.
export DATABASE_URL="${pg_cluster_url}app" DJANGO_SETTINGS_MODULE=config.settings_test
.venv/bin/forlop migrate -v 0
if [ -n "${GEN_SETUP_SQL:-}" ]; then psql -d app -v ON_ERROR_STOP=1 -c "$GEN_SETUP_SQL"; fi
echo "load before: $(uptime)"
run=(.venv/bin/forlop generate $GEN_ARGS --no-progress)
if [ "${GEN_PROFILE:-0}" = 1 ]; then
  run=(.venv/bin/py-spy record --subprocesses --rate 50 --format speedscope -o "$GEN_OUT/profile.json" -- "${run[@]}")
fi
PGOPTIONS=${GEN_PGOPTIONS:-} /usr/bin/time -v -o "$GEN_OUT/time.txt" "${run[@]}" 2>&1 | tee "$GEN_OUT/log.txt"
echo "load after: $(uptime)"
# PostgreSQL's CPU: the server's processes that have ended (the run's backends) add to the
# postmaster's cutime and cstime (/proc/PID/stat fields 16-17, in clock ticks).
pm=$(head -1 "$PGTMP/data/postmaster.pid")
echo "PostgreSQL CPU (ended backends): $(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f s", ($16 + $17) / hz }' "/proc/$pm/stat")"
grep -E "Elapsed|Maximum resident|User time|System time|Percent of CPU" "$GEN_OUT/time.txt"
psql -d app -t -c "SELECT pg_size_pretty(pg_database_size('app'))" \
  -c "SELECT (SELECT count(*) FROM pathways_pathway) AS pathways, (SELECT count(*) FROM pathways_stoppoint) AS stop_points, (SELECT count(*) FROM patients_patient) AS patients"
echo "output in $GEN_OUT"
if [ "${GEN_KEEP:-0}" = 1 ]; then echo "DATABASE_URL=$DATABASE_URL  stop: $stop (as postgres), then rm -rf $PGTMP"; fi
