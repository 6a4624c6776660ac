#!/usr/bin/env bash
# `make run`: migrate, load the demo data, then serve with a background task worker.
# The console keeps to what a newcomer needs (what is being prepared, what the demo
# made, the address and the logins); the server's and the worker's lines and the
# emails the portal sends go to files under var/ (RUN_VAR_DIR), named at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
export RUN_ADDR=${RUN_ADDR:-127.0.0.1:8000}
PY=.venv/bin/python
VAR=${RUN_VAR_DIR:-var}
LOGS=$VAR/log
mkdir -p "$LOGS" "$VAR/mail"
export EMAIL_URL=${EMAIL_URL:-filemail:///$(cd "$VAR/mail" && pwd)}

echo "Preparing the database (the first run takes a minute)…"
$PY manage.py migrate --noinput >"$LOGS/migrate.log"
echo "  $(grep -c ' OK$' "$LOGS/migrate.log" || true) migrations applied (details in $LOGS/migrate.log)."
echo "Loading the demo data…"
$PY manage.py seed_demo --no-logins

$PY manage.py task_worker --no-reload --interval 2 >"$LOGS/worker.log" 2>&1 &
worker=$!
$PY manage.py runserver "$RUN_ADDR" >"$LOGS/server.log" 2>&1 &
server=$!
trap 'kill "$worker" "$server" 2>/dev/null || true' EXIT INT TERM

# Wait for the server to answer, or say why it did not.
until $PY -c "import socket, sys; host, port = sys.argv[1].rsplit(':', 1); socket.create_connection((host, int(port)), 1)" "$RUN_ADDR" 2>/dev/null; do
  if ! kill -0 "$server" 2>/dev/null; then
    echo "The server did not start; its last lines ($LOGS/server.log):" >&2
    tail -n 20 "$LOGS/server.log" >&2
    exit 1
  fi
  sleep 0.5
done

echo
echo "Logs: $LOGS/server.log, $LOGS/worker.log; emails the portal sends: $VAR/mail/"
$PY manage.py demo_logins
echo
echo "CPLMS is running on http://$RUN_ADDR/ (staff admin: http://$RUN_ADDR/admin/). Ctrl-C stops it."
wait "$server"
