#!/usr/bin/env bash
# Schemathesis (PyPI, pinned) in a venv under .infra/, made on first use; arguments go to it:
#   bash scripts/schemathesis.sh run --checks all http://127.0.0.1:3000/docs/json
set -euo pipefail
cd "$(dirname "$0")/.."
version=4.32.5
venv=.infra/schemathesis-$version
if [ ! -x "$venv/bin/schemathesis" ]; then
  command -v python3 >/dev/null || { echo "schemathesis needs python3 (>= 3.9)" >&2; exit 1; }
  mkdir -p .infra
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version" >&2
fi
exec "$venv/bin/schemathesis" "$@"
