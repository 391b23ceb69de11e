#!/usr/bin/env bash
# shellcheck disable=SC2016  # single-quoted `bash -c` snippets get their values as "$1"
# Smoke check, with the infrastructure up (scripts/infra.sh up): proves that Kafka and the
# MongoDB-wire server (FerretDB) answer real requests. Exits non-zero on the first failure.
set -euo pipefail
# shellcheck disable=SC2016  # single-quoted `bash -c` snippets get their values as "$1"

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
INFRA_DIR=${INFRA_DIR:-$ROOT/.infra}
KAFKA_PORT=${KAFKA_PORT:-9092}
MONGO_PORT=${MONGO_PORT:-27017}
KAFKA_LIBS=$INFRA_DIR/cache/kafka-4.1.1/libs

[[ -f $KAFKA_LIBS/.complete ]] || "$ROOT/scripts/infra.sh" fetch   # Kafka's CLI classes, if an external Kafka was reused

fail() { echo "FAIL $*" >&2; exit 1; }

# Kafka: list topics through the broker with Kafka's own admin client (after a quick TCP check, as
# the client otherwise retries for a minute).
timeout 2 bash -c ': >"/dev/tcp/127.0.0.1/$1"' _ "$KAFKA_PORT" 2>/dev/null || fail "nothing listens on 127.0.0.1:$KAFKA_PORT (Kafka)"
topics=$(java -cp "$KAFKA_LIBS/*" -Dlog4j2.level=error org.apache.kafka.tools.TopicCommand \
  --bootstrap-server "127.0.0.1:$KAFKA_PORT" --list 2>&1) || fail "Kafka on 127.0.0.1:$KAFKA_PORT: $topics"
echo "ok kafka 127.0.0.1:$KAFKA_PORT answers (topic list: $(grep -c . <<<"$topics" || true) topics)"

# FerretDB: a MongoDB OP_MSG {hello: 1, $db: "admin"} over bash's /dev/tcp; a MongoDB-wire server
# answers with a document that contains maxWireVersion.
reply=$(timeout 5 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" &&
  printf "\x34\x00\x00\x00RFNI\x00\x00\x00\x00\xdd\x07\x00\x00\x00\x00\x00\x00\x00\x1f\x00\x00\x00\x10hello\x00\x01\x00\x00\x00\x02\$db\x00\x06\x00\x00\x00admin\x00\x00" >&3 &&
  dd bs=64k count=1 status=none <&3 | tr -c "[:print:]" " "' _ "$MONGO_PORT") ||
  fail "nothing answers on 127.0.0.1:$MONGO_PORT (FerretDB)"
[[ $reply == *maxWireVersion* ]] || fail "127.0.0.1:$MONGO_PORT does not answer a MongoDB hello"
# If infra.sh started FerretDB, its process must be the one alive.
pidfile=$INFRA_DIR/run/ferretdb.pid
if [[ -s $pidfile ]]; then
  grep -qaF ferretdb "/proc/$(<"$pidfile")/cmdline" 2>/dev/null || fail "the ferretdb process (pid $(<"$pidfile")) is gone"
fi
echo "ok mongodb-wire 127.0.0.1:$MONGO_PORT answers hello"
