#!/usr/bin/env bash
# Runs every test: unit specs (no infrastructure), then the e2e suite against a real Kafka broker
# and a real MongoDB-wire database (from KAFKA_BROKERS/MONGO_URL, containers, or scripts/infra.sh).
# Extra arguments go to jest, e.g. `npm test -- test/e2e/articles.e2e-spec.ts`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/ensure-browser.sh
npm run --silent build
npx jest --ci "$@"
