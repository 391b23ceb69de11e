#!/usr/bin/env bash
# shellcheck disable=SC2016  # single-quoted `bash -c` snippets get their values as "$1", "$2"
# Local infrastructure for development and tests, with no Docker:
#   Kafka 4.1.1 (KRaft, one combined broker+controller) assembled from Maven jars,
#   FerretDB 1.24.2 (MongoDB wire protocol) built with Go, on PostgreSQL 15 from Debian.
#
# Usage: scripts/infra.sh up|down|status|env|clean|fetch   (help: scripts/infra.sh help)
#        scripts/infra.sh stop|restart kafka|postgresql|ferretdb   (one component, for fault tests)
#
# Environment (defaults):
#   INFRA_DIR=<repo>/.infra  (cache/ = downloads and builds, data/, logs/, run/ = pid files)
#   INFRA_CACHE=$INFRA_DIR/cache  (share one cache between several stacks)
#   KAFKA_PORT=9092  KAFKA_CONTROLLER_PORT=9093  MONGO_PORT=27017  PG_PORT=55432  INFRA_TIMEOUT=90 (s)
#   KAFKA_BROKERS_COUNT=1 (or `--brokers N` before the command): N>1 starts N combined broker+controller
#     nodes, a static N-voter KRaft quorum, node i on KAFKA_PORT+2(i-1) / KAFKA_CONTROLLER_PORT+2(i-1)
#     (3 brokers from 9092: 9092, 9094, 9096; controllers 9093, 9095, 9097); components kafka-1..kafka-N.
#     Internal topics are replicated min(3, N) times with min ISR min(2, N).
#
# "up" only starts what is not already serving; a port already served by a healthy server that
# this script did not start is reused and left alone. "down" stops only processes this script
# started (pid files), never anything else.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ ${1:-} == --brokers ]]; then KAFKA_BROKERS_COUNT=${2:-}; shift 2 || true; fi
KAFKA_BROKERS_COUNT=${KAFKA_BROKERS_COUNT:-1}
[[ $KAFKA_BROKERS_COUNT =~ ^[1-9]$ ]] || { echo "infra: error: KAFKA_BROKERS_COUNT/--brokers must be 1..9" >&2; exit 2; }
INFRA_DIR=${INFRA_DIR:-$ROOT/.infra}
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
MONGO_PORT=${MONGO_PORT:-27017}
PG_PORT=${PG_PORT:-55432}
INFRA_TIMEOUT=${INFRA_TIMEOUT:-90}

KAFKA_VERSION=4.1.1
FERRETDB_VERSION=v1.24.2
CACHE=${INFRA_CACHE:-$INFRA_DIR/cache} DATA=$INFRA_DIR/data LOGS=$INFRA_DIR/logs RUN=$INFRA_DIR/run
KAFKA_LIBS=$CACHE/kafka-$KAFKA_VERSION/libs
KAFKA_DATA=$DATA/kafka
# One node of the Kafka cluster at a time: kafka_node I sets KAFKA_NODE (1..N), KAFKA_NAME (the
# component, pid and log name), KAFKA_DATA, and this node's ports. With one broker everything is
# named as it always was (kafka, $DATA/kafka, kafka.log, kafka.pid).
KAFKA_BASE_PORT=$KAFKA_PORT KAFKA_BASE_CONTROLLER_PORT=$KAFKA_CONTROLLER_PORT
kafka_node() {
  KAFKA_NODE=$1
  if ((KAFKA_BROKERS_COUNT == 1)); then KAFKA_NAME=kafka; KAFKA_DATA=$DATA/kafka
  else KAFKA_NAME=kafka-$1; KAFKA_DATA=$DATA/kafka-$1; fi
  KAFKA_PORT=$((KAFKA_BASE_PORT + 2 * ($1 - 1))) KAFKA_CONTROLLER_PORT=$((KAFKA_BASE_CONTROLLER_PORT + 2 * ($1 - 1)))
}
kafka_voters() {
  local i out=""
  for ((i = 1; i <= KAFKA_BROKERS_COUNT; i++)); do out+="${out:+,}$i@127.0.0.1:$((KAFKA_BASE_CONTROLLER_PORT + 2 * (i - 1)))"; done
  echo "$out"
}
kafka_bootstrap() {
  local i out=""
  for ((i = 1; i <= KAFKA_BROKERS_COUNT; i++)); do out+="${out:+,}127.0.0.1:$((KAFKA_BASE_PORT + 2 * (i - 1)))"; done
  echo "$out"
}
kafka_node 1
# "-idx": built with patch_ferretdb below (pushed-down equality filters are served by indexes).
FERRETDB_BIN=$CACHE/ferretdb-$FERRETDB_VERSION-idx/ferretdb
PG_BIN=/usr/lib/postgresql/15/bin
[[ -x /usr/local/go/bin/go ]] && PATH=$PATH:/usr/local/go/bin   # Go's default install place

log() { printf 'infra: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
line() { printf '%-11s %-16s %s\n' "$1" "$2" "$3"; }   # one summary line per component

# ---------------------------------------------------------------------------------------------
# Probes. A raw request over bash's /dev/tcp tells a real Kafka / MongoDB-wire server apart from
# anything else that happens to hold the port, without needing any client installed.

# port_open PORT: something accepts TCP connections on 127.0.0.1:PORT.
port_open() { timeout 2 bash -c ': >"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null; }

# wire_probe PORT REQUEST OFFSET HEX: send REQUEST (printf escapes), expect HEX at byte OFFSET of the
# reply. The whole reply is read (one read of up to 64 KiB) so the close is clean, not a reset.
wire_probe() {
  local got
  got=$(timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && printf "$2" >&3 &&
        dd bs=64k count=1 status=none <&3 | od -An -tx1 | tr -d " \n"' _ "$1" "$2" 2>/dev/null) || return 1
  [[ ${got:$(($3 * 2)):${#4}} == "$4" ]]
}
# Kafka ApiVersions v0 request, correlation id "INFR": the reply echoes it, then error code 0.
kafka_healthy() {
  wire_probe "$KAFKA_PORT" '\x00\x00\x00\x0f\x00\x12\x00\x00INFR\x00\x05infra' 4 494e46520000
}
# MongoDB OP_MSG {hello: 1, $db: "admin"}, request id "RFNI": the reply answers it with an OP_MSG (2013).
mongo_healthy() {
  wire_probe "$MONGO_PORT" '\x34\x00\x00\x00RFNI\x00\x00\x00\x00\xdd\x07\x00\x00\x00\x00\x00\x00\x00\x1f\x00\x00\x00\x10hello\x00\x01\x00\x00\x00\x02$db\x00\x06\x00\x00\x00admin\x00\x00' \
    8 52464e49dd070000
}
pg_healthy() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -t 2; }

# ---------------------------------------------------------------------------------------------
# Process bookkeeping. A pid counts as ours only if its command line still contains MARKER (our
# config/data path), so a recycled pid is never mistaken for one of our servers.

# managed_pid PIDFILE MARKER: print the live pid this script started, if any.
managed_pid() {
  local pid
  [[ -s $1 ]] && pid=$(head -n1 "$1") && [[ $pid =~ ^[0-9]+$ ]] || return 1
  grep -qaF -- "$2" "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}
kafka_pid() { managed_pid "$RUN/$KAFKA_NAME.pid" "$KAFKA_DATA/server.properties"; }
# Any FerretDB build of ours (an earlier, unpatched one included), so `down` stops it after an upgrade.
ferretdb_pid() { managed_pid "$RUN/ferretdb.pid" "$CACHE/ferretdb-"; }
pg_pid() { managed_pid "$PG_DATA/postmaster.pid" "$PG_DATA"; }   # PostgreSQL keeps its own pid file

# launch NAME LOG CMD...: start CMD detached (own session, no terminal, outlives the caller),
# logging to LOG; fd 9 (our lock) is closed so the server does not hold it.
launch() {
  local name=$1 logf=$2; shift 2
  (cd "$INFRA_DIR" && exec setsid nohup "$@" </dev/null >>"$logf" 2>&1 9>&-) &
  echo $! >"$RUN/$name.pid"
}

# stop_pid NAME PID: SIGTERM, then SIGKILL after 30 s.
stop_pid() {
  kill -TERM "$2" 2>/dev/null || return 0
  for _ in $(seq 300); do kill -0 "$2" 2>/dev/null || return 0; sleep 0.1; done
  log "$1 (pid $2) ignored SIGTERM for 30 s; killing it"
  kill -KILL "$2" 2>/dev/null || true
}

# wait_ready NAME LOG PID CHECK...: poll CHECK until it succeeds. If PID exits or INFRA_TIMEOUT
# passes, show the last 30 lines of LOG and fail.
wait_ready() {
  local name=$1 logf=$2 pid=$3 deadline=$((SECONDS + INFRA_TIMEOUT)); shift 3
  until "$@"; do
    local why=""
    [[ -n $pid ]] && ! kill -0 "$pid" 2>/dev/null && why="exited"
    ((SECONDS >= deadline)) && why="not ready after ${INFRA_TIMEOUT}s"
    if [[ -n $why ]]; then
      log "$name $why; last 30 lines of $logf:"
      tail -n 30 "$logf" >&2 || true
      log "(scripts/infra.sh down stops whatever was started)"
      exit 1
    fi
    sleep 0.2
  done
}

# busy_port NAME PORT VAR: the port is held by something that is not a healthy NAME server.
busy_port() { die "port $2 is in use but does not answer as $1; stop that process or set $3 to a free port"; }

# ---------------------------------------------------------------------------------------------
# Fetch and build (cached under $CACHE; each is built in a temp dir and moved into place at the end,
# so an interrupted fetch is simply redone).

fetch_kafka() {
  [[ -f $KAFKA_LIBS/.complete ]] && return 0
  command -v mvn >/dev/null || die "mvn (Maven) is required to fetch Kafka"
  log "fetching Kafka $KAFKA_VERSION jars with Maven (once; log: $LOGS/fetch-kafka.log)"
  local dir=$CACHE/kafka-$KAFKA_VERSION tmp
  mkdir -p "$dir"
  tmp=$(mktemp -d "$dir/libs.tmp.XXXXXX")
  cat >"$tmp/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.infra</groupId><artifactId>kafka-runtime</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka-tools</artifactId><version>$KAFKA_VERSION</version></dependency>
    <!-- the SLF4J binding Kafka lacks at runtime -->
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>2.24.3</version></dependency>
  </dependencies>
</project>
EOF
  if ! (cd "$tmp" && mvn -B -q -Dstyle.color=never org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$tmp/libs") >"$LOGS/fetch-kafka.log" 2>&1; then
    tail -n 30 "$LOGS/fetch-kafka.log" >&2; rm -rf "$tmp"; die "fetching Kafka jars failed"
  fi
  mv "$tmp/pom.xml" "$dir/pom.xml"
  rm -rf "$KAFKA_LIBS" && mv "$tmp/libs" "$KAFKA_LIBS" && rm -rf "$tmp"
  touch "$KAFKA_LIBS/.complete"
}

# FerretDB 1.24 pushes a filter's equality down to PostgreSQL as jsonb containment
# (`_jsonb->'_id' @> '"x"'`), which the btree index it creates on `_jsonb->'_id'` cannot serve:
# every lookup by _id was a sequential scan of the collection (measured: 172 ms at 11,600
# comments, against 0.07 ms for the same lookup with `=`, an index scan). For `_id`, which is
# never an array, `=` selects the same documents (FerretDB applies the whole filter again after
# fetching), so the copy built here compares `_id` with `=`. Nothing else changes: other fields
# still use containment (they may hold arrays), and so still scan.
#
# The other fields' containment filters are served by a second patch: every index also gets a GIN
# twin over the same fields (jsonb_path_ops supports exactly `@>`), created next to FerretDB's
# btree (which stays: unique constraints need it). Same documents, found by index instead of a scan.
patch_ferretdb() {
  local query=internal/backends/postgresql/query.go anchor='	case string, types.ObjectID, time.Time:'
  grep -qxF "$anchor" "$query" || { echo "patch_ferretdb: anchor not found in $query" >&2; return 1; }
  awk -v anchor="$anchor" '{ print } $0 == anchor { print "\t\tif k == \"_id\" && operator == \"->\" {\n\t\t\tsql = `%[1]s%[2]s%[3]s = %[4]s` // _id is never an array: = is an index scan\n\t\t}" }' \
    "$query" >"$query.patched" && mv "$query.patched" "$query"
  grep -q '_id is never an array' "$query" || return 1
  local registry=internal/backends/postgresql/metadata/registry.go
  local create='		created = append(created, index.Name)'
  [[ $(grep -cxF "$create" "$registry") == 1 ]] || { echo "patch_ferretdb: anchor not found in $registry" >&2; return 1; }
  awk -v anchor="$create" '$0 == anchor { print "\t\tif index.Name != \"_id_\" { // GIN twin: serves the @> filters FerretDB pushes down\n\t\t\tgin := make([]string, len(index.Key))\n\t\t\tfor i, c := range columns {\n\t\t\t\tgin[i] = strings.TrimSuffix(c, \" DESC\") + \" jsonb_path_ops\"\n\t\t\t}\n\t\t\tginName := strings.TrimSuffix(index.PgIndex, \"_idx\") + \"_gin\"\n\t\t\tif _, err = p.Exec(ctx, fmt.Sprintf(\"CREATE INDEX %s ON %s USING gin (%s)\", pgx.Identifier{ginName}.Sanitize(), pgx.Identifier{dbName, c.TableName}.Sanitize(), strings.Join(gin, \", \"))); err != nil {\n\t\t\t\t_ = r.indexesDrop(ctx, p, dbName, collectionName, created)\n\t\t\t\treturn lazyerrors.Error(err)\n\t\t\t}\n\t\t}\n" } { print }' \
    "$registry" >"$registry.patched" && mv "$registry.patched" "$registry"
  grep -q 'GIN twin' "$registry"
}

# FerretDB: `go install` of this version panics at start on an invalid build/version/version.txt
# (FerretDB issue 2982), so build from a writable copy of the module with that file filled in.
build_ferretdb() {
  [[ -x $FERRETDB_BIN ]] && return 0
  command -v go >/dev/null || die "go is required to build FerretDB"
  log "building FerretDB $FERRETDB_VERSION with Go (once, about a minute; log: $LOGS/build-ferretdb.log)"
  local tmp src
  mkdir -p "$(dirname "$FERRETDB_BIN")"
  tmp=$(mktemp -d "$(dirname "$FERRETDB_BIN")/src.tmp.XXXXXX")
  # GOFLAGS/GOWORK/GOTOOLCHAIN pinned so a developer's Go settings cannot change the build.
  if ! (cd "$tmp" && export GOFLAGS=-mod=mod GOWORK=off GOTOOLCHAIN=local &&
        src=$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" |
              sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p') && [[ -d $src ]] &&
        cp -R "$src/." src && chmod -R u+w src && cd src &&
        echo "$FERRETDB_VERSION" >build/version/version.txt && patch_ferretdb &&
        CGO_ENABLED=0 go build -buildvcs=false -o "$tmp/ferretdb" ./cmd/ferretdb) >"$LOGS/build-ferretdb.log" 2>&1; then
    tail -n 30 "$LOGS/build-ferretdb.log" >&2; rm -rf "$tmp"; die "building FerretDB failed"
  fi
  mv "$tmp/ferretdb" "$FERRETDB_BIN" && rm -rf "$tmp"
}

# PostgreSQL 15 from Debian. When it has to be installed, Debian's packaging creates and (on a
# systemd host) starts its own "main" cluster on port 5432; set it to manual and stop it so only
# ours runs.
ensure_postgresql() {
  [[ -x $PG_BIN/postgres ]] && return 0
  ((EUID == 0)) || die "PostgreSQL 15 is missing ($PG_BIN); install the postgresql-15 package"
  log "installing PostgreSQL 15 with apt-get"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql-15 >&2
  if [[ -f /etc/postgresql/15/main/start.conf ]]; then
    echo manual >/etc/postgresql/15/main/start.conf
    pg_ctlcluster 15 main stop 2>/dev/null || true
  fi
}

# PostgreSQL refuses to run as root: run it as the postgres user (from "/", as that user may not
# be allowed into the caller's cwd).
as_pg() { if ((EUID == 0)); then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }

# The postgres user must be able to reach its data dir. Under e.g. /root it cannot, so fall back to
# a /tmp dir keyed by port and by INFRA_DIR.
pg_data_dir() {
  if ((EUID != 0)) || runuser -u postgres -- test -x "$DATA" 2>/dev/null; then
    echo "$DATA/postgresql"
  else
    echo "/tmp/infra-pg-$PG_PORT-$(printf %s "$INFRA_DIR" | cksum | cut -d' ' -f1)"
  fi
}

# ---------------------------------------------------------------------------------------------
# Starting each server.

start_kafka() {
  local props=$KAFKA_DATA/server.properties
  mkdir -p "$KAFKA_DATA"
  local quorum replicas=$((KAFKA_BROKERS_COUNT < 3 ? KAFKA_BROKERS_COUNT : 3)) isr=$((KAFKA_BROKERS_COUNT < 2 ? 1 : 2))
  # One broker: a dynamic quorum of one (format --standalone). Several: a static quorum of all.
  if ((KAFKA_BROKERS_COUNT == 1)); then quorum="controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT"
  else quorum="controller.quorum.voters=$(kafka_voters)"; fi
  cat >"$props" <<EOF
# Generated by scripts/infra.sh on every start; edit the script, not this file.
process.roles=broker,controller
node.id=$KAFKA_NODE
$quorum
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DATA/log
num.partitions=3
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
offsets.topic.num.partitions=1
offsets.topic.replication.factor=$replicas
transaction.state.log.replication.factor=$replicas
transaction.state.log.min.isr=$isr
share.coordinator.state.topic.replication.factor=$replicas
share.coordinator.state.topic.min.isr=$isr
default.replication.factor=$replicas
EOF
  # Server log to a file: INFO for kafka.server (its "Kafka Server started" marks readiness), WARN
  # elsewhere. The JVM's own stdout/stderr are appended to the same file.
  cat >"$KAFKA_DATA/log4j2.properties" <<'EOF'
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = ${sys:kafka.logs.dir}/${sys:kafka.log.name}.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.file.ref = file
logger.server.name = kafka.server
logger.server.level = info
EOF
  # Format the storage once; the cluster id is kept next to it (one id shared by all nodes).
  local logf=$LOGS/$KAFKA_NAME.log idfile=$KAFKA_DATA/cluster.id format=(--standalone)
  ((KAFKA_BROKERS_COUNT > 1)) && idfile=$DATA/kafka-cluster.id format=()
  if [[ ! -f $KAFKA_DATA/log/meta.properties ]]; then
    [[ -s $idfile ]] ||
      java -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool random-uuid >"$idfile"
    java -cp "$KAFKA_LIBS/*" -Dlog4j2.configurationFile="$KAFKA_DATA/log4j2.properties" -Dkafka.logs.dir="$LOGS" -Dkafka.log.name="$KAFKA_NAME" \
      kafka.tools.StorageTool format "${format[@]}" -t "$(cat "$idfile")" -c "$props" \
      >>"$logf" 2>&1 || { tail -n 30 "$logf" >&2; die "formatting Kafka storage failed"; }
  fi
  # Readiness is judged only on log lines written after this offset.
  KAFKA_LOG_OFFSETS[$KAFKA_NODE]=$(stat -c %s "$logf" 2>/dev/null || echo 0)
  launch "$KAFKA_NAME" "$logf" java -Xms256m -Xmx512m -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_DATA/log4j2.properties" -Dkafka.logs.dir="$LOGS" -Dkafka.log.name="$KAFKA_NAME" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$props"
}
declare -A KAFKA_LOG_OFFSETS=()
kafka_started() { tail -c +$((${KAFKA_LOG_OFFSETS[$KAFKA_NODE]:-0} + 1)) "$LOGS/$KAFKA_NAME.log" 2>/dev/null | grep -q 'Kafka Server started'; }

start_postgresql() {
  if [[ ! -f $PG_DATA/PG_VERSION ]]; then
    mkdir -p "$PG_DATA" && chmod 700 "$PG_DATA"
    ((EUID == 0)) && chown postgres:postgres "$PG_DATA"
    as_pg "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U postgres -E UTF8 >>"$LOGS/postgresql.log" 2>&1 ||
      { tail -n 30 "$LOGS/postgresql.log" >&2; die "initdb failed"; }
  fi
  # TCP on 127.0.0.1 only, no Unix socket (so no socket dir to place). fsync and synchronous_commit
  # are off: fine for disposable dev/test data, NOT for anything that must survive a crash.
  # The log is opened here (by this shell), so the postgres user needs no access to $LOGS.
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -w -t "$INFRA_TIMEOUT" start -o "-p $PG_PORT -c listen_addresses=127.0.0.1 \
    -c unix_socket_directories='' -c max_connections=1100 -c fsync=off -c synchronous_commit=off \
    -c full_page_writes=off" </dev/null >>"$LOGS/postgresql.log" 2>&1 9>&- ||
    { tail -n 30 "$LOGS/postgresql.log" >&2; die "PostgreSQL did not start (pg_ctl start failed)"; }
}

# FerretDB stores its data in this PostgreSQL database.
ensure_ferretdb_database() {
  local psql=("$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tA)
  [[ $("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'ferretdb'") == 1 ]] ||
    "${psql[@]}" -c 'CREATE DATABASE ferretdb' ||
    die "cannot create database ferretdb on 127.0.0.1:$PG_PORT (user postgres, no password)"
}

# pool_max_conns: FerretDB 1.24 creates a database while holding its metadata lock and then
# waits for a pooled PostgreSQL connection; if every pooled connection is held by a request
# waiting for that lock, FerretDB deadlocks (seen here: even ping hangs). Its default pool is 50.
# 256 held for one test run at a time, but not for three runs and a benchmark starting together
# (each creating its databases): requests the clients had given up on kept their connections
# until all 256 were taken. 1024, with PostgreSQL's max_connections above it (connections are
# opened only when needed) and the services' own pools capped (MONGO_POOL_SIZE).
start_ferretdb() {
  launch ferretdb "$LOGS/ferretdb.log" "$FERRETDB_BIN" --handler=postgresql \
    --postgresql-url="postgres://postgres@127.0.0.1:$PG_PORT/ferretdb?pool_max_conns=1024" --listen-addr="127.0.0.1:$MONGO_PORT" \
    --state-dir=- --debug-addr=- --telemetry=disable --log-level=warn
}

# ---------------------------------------------------------------------------------------------
# Commands.

# classify NAME PORT VAR PIDFN HEALTHFN: print "managed <pid>", "external" or "free".
classify() {
  local pid
  if pid=$($4); then echo "managed $pid"
  elif port_open "$2"; then if $5; then echo external; else busy_port "$1" "$2" "$3"; fi
  else echo free; fi
}

cmd_up() {
  local k p f pid kline pline fline i kfree=""
  local -a ks klines
  ensure_postgresql
  for ((i = 1; i <= KAFKA_BROKERS_COUNT; i++)); do
    kafka_node "$i"
    ks[i]=$(classify Kafka "$KAFKA_PORT" KAFKA_PORT kafka_pid kafka_healthy)
    [[ ${ks[i]} == free ]] && { kfree=1; port_open "$KAFKA_CONTROLLER_PORT" &&
      die "port $KAFKA_CONTROLLER_PORT is in use; set KAFKA_CONTROLLER_PORT to a free port"; }
  done
  k=${kfree:+free}
  p=$(classify PostgreSQL "$PG_PORT" PG_PORT pg_pid pg_healthy)
  f=$(classify FerretDB "$MONGO_PORT" MONGO_PORT ferretdb_pid mongo_healthy)

  # Fetch only what will be started: Maven in the background while Go builds.
  local fetch=""
  if [[ $k == free ]]; then fetch_kafka & fetch=$!; fi
  if [[ $f == free ]]; then build_ferretdb; fi
  if [[ -n $fetch ]]; then wait "$fetch"; fi

  # Every missing node starts before any is waited for: a quorum needs a majority to elect.
  for ((i = 1; i <= KAFKA_BROKERS_COUNT; i++)); do
    [[ ${ks[i]} == free ]] && { kafka_node "$i"; start_kafka; }   # its ~5 s start overlaps the others'
  done

  case $p in
    free) start_postgresql
          wait_ready PostgreSQL "$LOGS/postgresql.log" "$(pg_pid)" pg_healthy
          pline="started (pid $(pg_pid))" ;;
    managed*) wait_ready PostgreSQL "$LOGS/postgresql.log" "${p#managed }" pg_healthy
          pline="reused (started earlier by infra.sh, pid ${p#managed })" ;;
    external) pline="reused (already running, not managed by infra.sh)" ;;
  esac

  case $f in
    free) ensure_ferretdb_database; start_ferretdb; pid=$(<"$RUN/ferretdb.pid")
          wait_ready FerretDB "$LOGS/ferretdb.log" "$pid" mongo_healthy
          fline="started (pid $pid)" ;;
    managed*) wait_ready FerretDB "$LOGS/ferretdb.log" "${f#managed }" mongo_healthy
          fline="reused (started earlier by infra.sh, pid ${f#managed })" ;;
    external) fline="reused (already running, not managed by infra.sh)" ;;
  esac

  for ((i = 1; i <= KAFKA_BROKERS_COUNT; i++)); do
    kafka_node "$i"; k=${ks[i]}
    case $k in
      free) pid=$(<"$RUN/$KAFKA_NAME.pid")   # fresh start: wait for its own log line
            wait_ready Kafka "$LOGS/$KAFKA_NAME.log" "$pid" kafka_started
            kline="started (pid $pid)" ;;
      managed*) wait_ready Kafka "$LOGS/$KAFKA_NAME.log" "${k#managed }" kafka_healthy
            kline="reused (started earlier by infra.sh, pid ${k#managed })" ;;
      external) kline="reused (already running, not managed by infra.sh)" ;;
    esac
    klines[i]=$kline
  done
  for ((i = 1; i <= KAFKA_BROKERS_COUNT; i++)); do kafka_node "$i"; line "$KAFKA_NAME" "127.0.0.1:$KAFKA_PORT" "${klines[i]}"; done
  line postgresql "127.0.0.1:$PG_PORT" "$pline"
  line ferretdb "127.0.0.1:$MONGO_PORT" "$fline"
}

cmd_down() {
  local pid
  # not_ours NAME PORT: report a component this script did not start (and leaves alone).
  not_ours() { if port_open "$2"; then line "$1" "127.0.0.1:$2" "left running (not started by infra.sh)"
               else line "$1" "127.0.0.1:$2" "not running"; fi; }
  if pid=$(ferretdb_pid); then stop_pid ferretdb "$pid"; line ferretdb "127.0.0.1:$MONGO_PORT" "stopped (pid $pid)"
  else not_ours ferretdb "$MONGO_PORT"; fi
  rm -f "$RUN/ferretdb.pid"
  if pid=$(pg_pid); then
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" stop -m fast -w -t 60 >>"$LOGS/postgresql.log" 2>&1 9>&- ||
      die "pg_ctl stop failed; see $LOGS/postgresql.log"
    line postgresql "127.0.0.1:$PG_PORT" "stopped (pid $pid)"
  else not_ours postgresql "$PG_PORT"; fi
  # All nodes at once: stopped one after another, the last ones would wait for a quorum (for
  # their controlled shutdown) that has already gone.
  local i
  for ((i = 1; i <= KAFKA_BROKERS_COUNT; i++)); do
    kafka_node "$i"
    if pid=$(kafka_pid); then (stop_pid "$KAFKA_NAME" "$pid"; line "$KAFKA_NAME" "127.0.0.1:$KAFKA_PORT" "stopped (pid $pid)") &
    else not_ours "$KAFKA_NAME" "$KAFKA_PORT"; fi
  done
  wait
  for ((i = 1; i <= KAFKA_BROKERS_COUNT; i++)); do kafka_node "$i"; rm -f "$RUN/$KAFKA_NAME.pid"; done
}

# stop_one COMPONENT [SIGNAL]: stop one component this script started (nothing else); "up" starts
# it again. Fault tests restart the broker or the database under running services with it, or
# kill one broker of several with SIGKILL ("kill kafka-2").
stop_one() {
  local pid
  case $1 in
    kafka | kafka-[1-9])
           if [[ $1 == kafka ]]; then ((KAFKA_BROKERS_COUNT == 1)) || die "several brokers: name one (kafka-1..kafka-$KAFKA_BROKERS_COUNT)"; kafka_node 1
           else ((${1#kafka-} <= KAFKA_BROKERS_COUNT && KAFKA_BROKERS_COUNT > 1)) || die "no $1 with KAFKA_BROKERS_COUNT=$KAFKA_BROKERS_COUNT"; kafka_node "${1#kafka-}"; fi
           if pid=$(kafka_pid); then
             if [[ ${2:-TERM} == KILL ]]; then kill -KILL "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
             else stop_pid "$KAFKA_NAME" "$pid"; fi
             rm -f "$RUN/$KAFKA_NAME.pid"; line "$KAFKA_NAME" "127.0.0.1:$KAFKA_PORT" "stopped (pid $pid, SIG${2:-TERM})"
           else die "$KAFKA_NAME on $KAFKA_PORT was not started by infra.sh ($INFRA_DIR): not stopping it"; fi ;;
    ferretdb) if pid=$(ferretdb_pid); then stop_pid ferretdb "$pid"; rm -f "$RUN/ferretdb.pid"; line ferretdb "127.0.0.1:$MONGO_PORT" "stopped (pid $pid)"
              else die "ferretdb on $MONGO_PORT was not started by infra.sh ($INFRA_DIR): not stopping it"; fi ;;
    postgresql) if pid=$(pg_pid); then
                  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" stop -m fast -w -t 60 >>"$LOGS/postgresql.log" 2>&1 9>&- ||
                    die "pg_ctl stop failed; see $LOGS/postgresql.log"
                  line postgresql "127.0.0.1:$PG_PORT" "stopped (pid $pid)"
                else die "postgresql on $PG_PORT was not started by infra.sh ($INFRA_DIR): not stopping it"; fi ;;
    *) log "unknown component: ${1:-} (kafka, postgresql or ferretdb)"; exit 2 ;;
  esac
}
cmd_stop() { stop_one "$@"; }
cmd_kill() { stop_one "$1" KILL; }
cmd_restart() { stop_one "$@"; cmd_up; }

# status: one line per component; exits non-zero unless all three answer.
cmd_status() {
  local rc=0
  show() {   # NAME PORT PIDFN HEALTHFN
    local pid state
    if pid=$($3); then state="managed by infra.sh (pid $pid)"
    elif port_open "$2"; then state="not managed by infra.sh"
    else line "$1" "127.0.0.1:$2" "not running"; rc=1; return; fi
    if $4; then line "$1" "127.0.0.1:$2" "up, $state"; else line "$1" "127.0.0.1:$2" "NOT ANSWERING, $state"; rc=1; fi
  }
  local i
  for ((i = 1; i <= KAFKA_BROKERS_COUNT; i++)); do kafka_node "$i"; show "$KAFKA_NAME" "$KAFKA_PORT" kafka_pid kafka_healthy; done
  show postgresql "$PG_PORT" pg_pid pg_healthy
  show ferretdb "$MONGO_PORT" ferretdb_pid mongo_healthy
  return $rc
}

cmd_clean() {
  cmd_down
  rm -rf "$DATA" "$LOGS" "$RUN" "$PG_DATA"
  log "removed data, logs and pid files; kept the cache in $CACHE"
}

usage() {
  cat >&2 <<EOF
usage: scripts/infra.sh COMMAND
  up      fetch/build if needed, start Kafka, PostgreSQL and FerretDB unless already serving, wait until ready
  down    stop what infra.sh started (nothing else)
  status  show each component and whether it answers (exit 1 if any does not)
  env     print export lines for eval: KAFKA_BROKERS, MONGO_URL_BASE
  clean   down, then delete data and logs (keeps the download/build cache)
  fetch   only download Kafka and build FerretDB into the cache
  stop COMPONENT     stop one of kafka (kafka-1..kafka-N with --brokers N), postgresql, ferretdb (only if infra.sh started it)
  restart COMPONENT  stop it, then "up" (fault tests: a broker or database restart under load)
  kill kafka-I       SIGKILL one broker of several (fault tests); "up" starts it again
Options: --brokers N (before the command; or KAFKA_BROKERS_COUNT=N): N KRaft brokers, a static N-voter quorum
Environment: INFRA_DIR ($INFRA_DIR), INFRA_CACHE ($CACHE), KAFKA_PORT ($KAFKA_PORT), KAFKA_CONTROLLER_PORT ($KAFKA_CONTROLLER_PORT),
             MONGO_PORT ($MONGO_PORT), PG_PORT ($PG_PORT), INFRA_TIMEOUT ($INFRA_TIMEOUT s)
EOF
}

case ${1:-} in
  env) echo "export KAFKA_BROKERS=$(kafka_bootstrap)"; echo "export MONGO_URL_BASE=mongodb://127.0.0.1:$MONGO_PORT"; exit 0 ;;
  up | down | status | clean | fetch) ;;
  stop | restart) [[ ${2:-} =~ ^(kafka|kafka-[1-9]|postgresql|ferretdb)$ ]] || { log "usage: infra.sh $1 kafka|kafka-I|postgresql|ferretdb"; exit 2; } ;;
  kill) [[ ${2:-} =~ ^kafka-[1-9]$ ]] || { log "usage: infra.sh kill kafka-I"; exit 2; } ;;
  help | -h | --help) usage; exit 0 ;;
  *) [[ -n ${1:-} ]] && log "unknown command: $1"; usage; exit 2 ;;
esac
mkdir -p "$CACHE" "$DATA" "$LOGS" "$RUN"
PG_DATA=$(pg_data_dir)
# One infra.sh at a time per INFRA_DIR (e.g. parallel jest runs calling "up").
exec 9>"$INFRA_DIR/.lock"
flock -w 600 9 || die "another infra.sh has held $INFRA_DIR/.lock for 10 minutes"
case $1 in
  fetch) fetch_kafka & f=$!; build_ferretdb; wait "$f" ;;
  stop | restart | kill) "cmd_$1" "$2" ;;
  *) "cmd_$1" ;;
esac
