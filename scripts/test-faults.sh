#!/usr/bin/env bash
# The fault-injection suite: builds, starts a private stack (.infra/faults, ports 19092/19093,
# 37017, 55433; FAULTS_* to change them), then kills services and restarts the broker and the
# database under load, reconciling after each. Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
npx jest --ci -c test/faults/jest.config.js "$@"
