#!/usr/bin/env bash
# The grouped-measures benchmark (bench/bench_measures_grouped.py) on a throw-away PostgreSQL of
# its own, on 127.0.0.1 and a free port; one database per size of BENCH_SIZES (default
# 4000,16000,40000), each filled by `forlop generate` (seed 1, 4,000 patients per municipality);
# the cluster is removed afterwards. BENCH_REPEAT passes through; the last part (the measures'
# rollup) writes to each database. See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/pgcluster.sh
pg_cluster_start pgbench
SIZES=${BENCH_SIZES:-4000,16000,40000}
for size in ${SIZES//,/ }; do
  pg_cluster_createdb "app$size"
  export DATABASE_URL="${pg_cluster_url}app$size" DJANGO_DEBUG=true
  .venv/bin/forlop migrate -v0
  .venv/bin/forlop generate --patients "$size" --patients-per-municipality 4000 --seed 1 --no-progress
  psql_super -d "app$size" -c ANALYZE
  echo "## $size patients, $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
  .venv/bin/python bench/bench_measures_grouped.py
done
