#!/usr/bin/env bash
# `make run`: the sandbox (Magento stand-in, :8001) and the storefront (gunicorn, :8000) together.
# Ctrl-C stops both. Set MAGENTO_BASE_URL to a real Magento to skip the sandbox.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
mkdir -p var
SANDBOX_PORT=${SANDBOX_PORT:-8001}
PORT=${PORT:-8000}
export BIND=${BIND:-127.0.0.1:$PORT}
export STOREFRONT_REVALIDATE_URL=${STOREFRONT_REVALIDATE_URL:-http://127.0.0.1:$PORT/_revalidate}

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "Stopping…"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "Stopped."
}
trap cleanup INT TERM EXIT

$PY manage.py migrate --noinput -v 0
$PY manage.py collectstatic --noinput -v 0

if [ -z "${MAGENTO_BASE_URL:-}" ]; then
  export MAGENTO_BASE_URL="http://127.0.0.1:$SANDBOX_PORT"
  $PY -m sandbox migrate --noinput -v 0
  if [ ! -f var/.sandbox-seeded ]; then
    echo "Seeding the sandbox catalog (first run only)…"
    $PY -m sandbox seed && touch var/.sandbox-seeded
  fi
  $PY -m sandbox serve --port "$SANDBOX_PORT" &
  pids+=($!)
  for _ in $(seq 1 100); do
    if $PY - "$SANDBOX_PORT" <<'PYEOF' 2>/dev/null; then break; fi
import sys, urllib.request
urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/sandbox/health", timeout=1)
PYEOF
    sleep 0.2
  done
  echo "Sandbox (Magento stand-in): $MAGENTO_BASE_URL"
fi

.venv/bin/gunicorn -c storefront/gunicorn.conf.py storefront.wsgi:application &
pids+=($!)
echo "Storefront: http://$BIND/  (Ctrl-C stops everything)"
wait -n "${pids[@]}"
