#!/usr/bin/env bash
# The scale benchmark (bench/bench_scale.py) on a throw-away PostgreSQL of its own, on
# 127.0.0.1 and a free port; the cluster is removed afterwards. See docs/benchmarks.md.
# BENCH_SIZES, BENCH_REPEAT, BENCH_PPM, BENCH_SEED and BENCH_GOALS pass through to the script.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib/pgcluster.sh
pg_cluster_start pgbench
pg_cluster_createdb app
DATABASE_URL="${pg_cluster_url}app" .venv/bin/python bench/bench_scale.py
