#!/usr/bin/env bash
# Resolve pyproject.toml's dependencies (with the test extra) in a scratch virtualenv and
# write the exact versions to requirements.lock, which `make install` installs.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-python3.11}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$PY" - "$ROOT/pyproject.toml" >"$tmp/requirements.in" <<'PYCODE'
import sys
import tomllib

project = tomllib.load(open(sys.argv[1], "rb"))["project"]
print("\n".join(project["dependencies"] + project["optional-dependencies"]["test"]))
PYCODE
"$PY" -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install -q --upgrade pip
"$tmp/venv/bin/pip" install -q -r "$tmp/requirements.in"
{
  echo "# Exact versions for every install; regenerate with 'make lock' after editing pyproject.toml."
  "$tmp/venv/bin/pip" freeze
} >"$ROOT/requirements.lock"
