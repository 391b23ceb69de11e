#!/usr/bin/env bash
# The three-broker fault scenarios: builds, starts a private stack with three KRaft brokers
# (.infra/faults-cluster; brokers 29292/29294/29296, controllers 29293/29295/29297, FerretDB 29217,
# PostgreSQL 29232; FAULTS_* to change them; all below the ephemeral range 32768-60999, where a
# client connection's own port can take one first), kills one broker under load, then restarts all three
# one after another. Extra arguments go to jest.
set -euo pipefail
cd "$(dirname "$0")/.."
export FAULTS_BROKERS=3
export FAULTS_INFRA_DIR=${FAULTS_INFRA_DIR:-$PWD/.infra/faults-cluster}
export FAULTS_KAFKA_PORT=${FAULTS_KAFKA_PORT:-29292} FAULTS_KAFKA_CONTROLLER_PORT=${FAULTS_KAFKA_CONTROLLER_PORT:-29293}
export FAULTS_MONGO_PORT=${FAULTS_MONGO_PORT:-29217} FAULTS_PG_PORT=${FAULTS_PG_PORT:-29232}
# A restarted broker catches up on every replica before it says it started: on a loaded 2-core
# machine that took over 90 s (infra.sh's default wait).
export INFRA_TIMEOUT=${INFRA_TIMEOUT:-240} FAULTS_INFRA_TIMEOUT_MS=${FAULTS_INFRA_TIMEOUT_MS:-330000}
bash scripts/ensure-deps.sh
npx jest --ci -c test/faults/cluster.jest.config.js "$@"
