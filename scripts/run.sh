#!/usr/bin/env bash
# `make run`: migrate, load the demo data, then serve with a background task worker.
set -euo pipefail
cd "$(dirname "$0")/.."
ADDR=${RUN_ADDR:-127.0.0.1:8000}
PY=.venv/bin/python
$PY manage.py migrate --noinput
$PY manage.py seed_demo
$PY manage.py task_worker --no-reload --interval 2 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
echo "Serving on http://$ADDR/ (the admin is at http://$ADDR/admin/)"
$PY manage.py runserver "$ADDR"
