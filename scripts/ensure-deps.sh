#!/usr/bin/env bash
# Runs `npm ci` when node_modules is missing or was installed from another lockfile, so the
# README's commands work on a fresh clone and stay fast afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.lockfile-hash 2>/dev/null)" != "$want" ]; then
  echo "installing dependencies (npm ci)…"
  npm ci --no-audit --no-fund
  echo "$want" > node_modules/.lockfile-hash
fi
