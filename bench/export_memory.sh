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
source bench/lib/pgcluster.sh
pg_cluster_start pgbench
pg_cluster_createdb app
echo "# $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)"
DATABASE_URL="${pg_cluster_url}app" .venv/bin/python bench/bench_export_memory.py
