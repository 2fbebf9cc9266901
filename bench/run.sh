#!/usr/bin/env bash
# Run every benchmark; see docs/benchmarks.md for recorded results.
set -euo pipefail
cd "$(dirname "$0")/.."
for f in bench/bench_*.py; do
  echo "== $f"
  .venv/bin/python "$f"
done
