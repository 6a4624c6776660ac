#!/usr/bin/env bash
# `make install`: the virtualenv and the pinned packages, with a line per package so
# the first run shows how far it has got instead of minutes of silence.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
test -x .venv/bin/python || "$PYTHON" -m venv .venv
.venv/bin/pip install -q --upgrade pip
total=$(grep -cE '^[A-Za-z0-9_.-]+==' requirements.lock)
echo "Installing $total Python packages into .venv (the first run takes a few minutes)…"
.venv/bin/pip install --no-color -r requirements.lock \
  | awk -v total="$total" '/^Collecting /{n++; printf "  [%d/%d] %s\n", n, total, $2; fflush()} /^Successfully installed/{print "  Installed."}'
