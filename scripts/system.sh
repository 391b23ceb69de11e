#!/usr/bin/env bash
# Runs the whole system on this machine: installs what is missing, starts the local
# infrastructure (Kafka, PostgreSQL + FerretDB), builds, then runs the four services in the
# foreground (Ctrl-C stops them; `npm run infra:down` stops the infrastructure).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
bash scripts/infra.sh up
npm run --silent build

mkdir -p .infra/logs
# A development signing key for tokens, made once and kept out of git (see `npm run token`).
if [ -z "${JWT_SECRET:-}" ]; then
  [ -s .infra/jwt-secret ] || node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("hex"))' > .infra/jwt-secret
  JWT_SECRET=$(cat .infra/jwt-secret)
  export JWT_SECRET
fi
# The key the gateway signs its calls to the services with: another secret, made and kept the same way.
if [ -z "${SERVICE_AUTH_SECRET:-}" ]; then
  [ -s .infra/service-auth-secret ] || node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("hex"))' > .infra/service-auth-secret
  SERVICE_AUTH_SECRET=$(cat .infra/service-auth-secret)
  export SERVICE_AUTH_SECRET
fi
eval "$(bash scripts/infra.sh env)"
export KAFKA_BROKERS
mongo_base=${MONGO_URL_BASE:-mongodb://127.0.0.1:27017}
# The demo host page is a second origin: the widget's API calls from it need CORS.
DEMO_PORT=${DEMO_PORT:-3100}
export DEMO_PORT CORS_ORIGINS=${CORS_ORIGINS:-http://127.0.0.1:$DEMO_PORT}

pids=()
stop() {
  trap - INT TERM EXIT
  echo "stopping services…"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM EXIT

for service in articles comments moderation; do
  MONGO_URL="$mongo_base/$service" node dist/apps/$service/src/main.js > >(tee -a ".infra/logs/$service.log") 2>&1 &
  pids+=($!)
done
node dist/apps/gateway/src/main.js > >(tee -a .infra/logs/gateway.log) 2>&1 &
pids+=($!)

for port in 3001 3002 3003 3000; do
  for _ in $(seq 1 120); do
    curl -fs "http://127.0.0.1:$port/health/ready" > /dev/null 2>&1 && break
    sleep 0.5
  done
done
# The founding story and an open one, through the public API (idempotent), then the host page.
GATEWAY_URL=http://127.0.0.1:3000 node scripts/demo-seed.js || echo "demo seed failed (see above); the API still runs"
GATEWAY_URL=http://127.0.0.1:3000 node scripts/demo-server.js > >(tee -a .infra/logs/demo.log) 2>&1 &
pids+=($!)

cat <<MSG

The system is up:
  API          http://127.0.0.1:3000/api/v1/articles
  OpenAPI      http://127.0.0.1:3000/docs
  demo page    http://127.0.0.1:$DEMO_PORT/  (the founding story; ?story=open for an open one)
  a token      npm run token -- --sub ed1 --name "Christine Stuart" --role editor
  logs         .infra/logs/
Ctrl-C stops the services.
MSG
wait
