#!/usr/bin/env bash
# Validates docker-compose.yml offline (no Docker engine needed): `docker-compose config -q`
# parses the file, checks it against the compose schema and interpolates the variables.
#
# Usage: scripts/compose-check.sh        (called by CI: .ci/run)
#
# Installs Debian's docker-compose (1.29) with apt-get when it is missing (root only). It runs the
# check twice: with a dummy JWT_SECRET (generated here, never stored) the file must be valid; without
# one, compose must refuse it with the message telling to set JWT_SECRET.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

log() { printf 'compose-check: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

if ! command -v docker-compose >/dev/null 2>&1; then
  ((EUID == 0)) || die "docker-compose is missing; install it (apt-get install docker-compose) or run as root"
  log "installing docker-compose with apt-get"
  export DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=a
  # --no-install-recommends: compose alone, not the docker.io engine Debian recommends with it.
  # Quiet unless it fails (then its output is shown).
  apt_log=$(mktemp)
  if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends docker-compose; } \
      </dev/null >"$apt_log" 2>&1; then
    cat "$apt_log" >&2; rm -f "$apt_log"; die "apt-get install docker-compose failed"
  fi
  rm -f "$apt_log"
  command -v docker-compose >/dev/null 2>&1 || die "docker-compose is still not on PATH after apt-get install"
fi

# A .env in the repo root (a developer's) is read by compose and could decide the result: point
# compose at an empty env file instead.
empty_env=$(mktemp)
trap 'rm -f "$empty_env"' EXIT
compose() { docker-compose --env-file "$empty_env" -f docker-compose.yml "$@"; }

# 1. Without JWT_SECRET compose must refuse the file, naming it.
dummy_service=$(head -c 30 /dev/urandom | base64 | tr -d '\n')
if out=$(unset JWT_SECRET; SERVICE_AUTH_SECRET=$dummy_service compose config -q 2>&1); then
  die "docker-compose config passed without JWT_SECRET; the gateway must use \${JWT_SECRET:?...}"
fi
grep -q 'set JWT_SECRET' <<<"$out" || { printf '%s\n' "$out" >&2; die "docker-compose config failed without JWT_SECRET, but not for that reason"; }

# 2. With a dummy 40-character secret (random, generated now) it must pass.
dummy=$(head -c 30 /dev/urandom | base64 | tr -d '\n')
[[ ${#dummy} -eq 40 ]] || die "could not generate a dummy secret"
# 1b. The same for the services' call-signing key.
if out=$(unset SERVICE_AUTH_SECRET; JWT_SECRET=$dummy_service compose config -q 2>&1); then
  die "docker-compose config passed without SERVICE_AUTH_SECRET; the services must use \${SERVICE_AUTH_SECRET:?...}"
fi
grep -q 'set SERVICE_AUTH_SECRET' <<<"$out" || { printf '%s\n' "$out" >&2; die "docker-compose config failed without SERVICE_AUTH_SECRET, but not for that reason"; }

JWT_SECRET=$dummy SERVICE_AUTH_SECRET=$dummy_service compose config -q || die "docker-compose.yml is invalid (see above)"

echo "docker-compose config: ok"
