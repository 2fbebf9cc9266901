#!/usr/bin/env bash
# HTTP benchmark: the nurse's work list page and the login page (baseline) under gunicorn with
# 2 workers on the demo SQLite database, measured with wrk (Debian) on 127.0.0.1 only,
# bounded to 10 s per run. Run after `make run` has created db.sqlite3 (or any demo database).
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${BENCH_PORT:-8031}
export DJANGO_DEBUG=false DJANGO_SECRET_KEY=bench-only-secret-key-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx \
  DJANGO_ALLOWED_HOSTS=127.0.0.1 FORLOP_SECURE=false
.venv/bin/forlop collectstatic --noinput -v 0
.venv/bin/gunicorn config.wsgi --workers 2 --bind 127.0.0.1:$PORT --log-level warning &
GPID=$!
trap 'kill $GPID' EXIT
sleep 3
JAR=$(mktemp)
curl -s -c "$JAR" -b "$JAR" -o /dev/null http://127.0.0.1:$PORT/login/
TOKEN=$(awk '/csrftoken/ {print $7}' "$JAR")
curl -s -c "$JAR" -b "$JAR" -o /dev/null -H "Referer: http://127.0.0.1:$PORT/login/" \
  --data "csrfmiddlewaretoken=$TOKEN&username=sykepleier&password=Forlop-demo-2026" http://127.0.0.1:$PORT/login/
SESSION=$(awk '/sessionid/ {print $7}' "$JAR")
echo "== baseline: login page (no database work)"
wrk -t2 -c8 -d10s http://127.0.0.1:$PORT/login/ | grep -E "Latency|Requests/sec|Non-2xx|requests in"
echo "== work list of the demo nurse (access rule, role filter, goals headers, audit row)"
wrk -t2 -c8 -d10s -H "Cookie: sessionid=$SESSION" http://127.0.0.1:$PORT/pathways/worklist/ | grep -E "Latency|Requests/sec|Non-2xx|requests in"
rm -f "$JAR"
