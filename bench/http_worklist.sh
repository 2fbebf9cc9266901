#!/usr/bin/env bash
# HTTP benchmark: the login page (the baseline: no database work), a trivial logged-in page
# (/password/, whose menu badge runs worklist_counts) and the work-list page, under gunicorn
# with 2 workers, measured with wrk (Debian) on 127.0.0.1 only, bounded to BENCH_SECONDS (10)
# per page. See docs/benchmarks.md.
#
#   bash bench/http_worklist.sh                       # the demo database (after `make run`)
#   DATABASE_URL=postgres://... BENCH_USER=synth-001-sykepleier-1 bash bench/http_worklist.sh
#
# The session is made directly in the database, marked as a HelseID login: the password
# login's TOTP step is not what is measured, and synthetic staff have no password.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk (Debian)" >&2; exit 1; }
PORT=${BENCH_PORT:-8031}
DURATION=${BENCH_SECONDS:-10}
WHO=${BENCH_USER:-sykepleier}
export DJANGO_DEBUG=false DJANGO_SECRET_KEY=bench-only-secret-key-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx \
  DJANGO_ALLOWED_HOSTS=127.0.0.1 FORLOP_SECURE=false DATABASE_CONN_MAX_AGE=${DATABASE_CONN_MAX_AGE:-60}
.venv/bin/forlop collectstatic --noinput -v 0
SESSION=$(BENCH_USER="$WHO" .venv/bin/python - <<'EOF'
import os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.test import Client
from forlop.core.models import User
client = Client()
client.force_login(User.objects.get(username=os.environ["BENCH_USER"]))
session = client.session
session["forlop_login_method"] = "helseid"
session.save()
print(session.session_key)
EOF
)
.venv/bin/gunicorn config.wsgi --workers 2 --bind 127.0.0.1:$PORT --log-level warning &
GPID=$!
trap 'kill $GPID' EXIT
for _ in $(seq 30); do curl -sf -o /dev/null http://127.0.0.1:$PORT/login/ && break; sleep 1; done
COOKIE="Cookie: sessionid=$SESSION"
page() {  # name, path, cookie header or ""
  local header=() size
  if [ -n "$3" ]; then header=(-H "$3"); fi
  size=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' "${header[@]}" "http://127.0.0.1:$PORT$2")
  echo "== $1 ($2): status and bytes of one response: $size"
  wrk -t2 -c8 -d"${DURATION}s" --timeout 10s "${header[@]}" "http://127.0.0.1:$PORT$2" \
    | grep -E "Latency|Requests/sec|Non-2xx|Socket errors|requests in"
}
page "baseline: login page (no database work)" /login/ ""
page "trivial logged-in page (the menu badge: worklist_counts)" /password/ "$COOKIE"
page "work list of $WHO (first page of each section)" /pathways/worklist/ "$COOKIE"
