#!/usr/bin/env bash
# The whole system on this machine, from Maven Central jars alone: a Kafka broker, a Flink session
# cluster (one JobManager, two TaskManagers), the job submitted with Flink's own `flink run` front end,
# simulated cameras, and the labels printed as they arrive. Ends with a summary whose last line
# (stdout) is one JSON object, then stops every process it started, by PID. See the README, section "Running it for real".
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
FLAGSHIP="models/mobilenet_v1/mobilenet_v1_1.0_224_quant_embedding_extractor.tflite,models/mobilenet_v1/mobilenet_quant_v1_224_head_layers.tflite"

DURATION=60 CAMERAS=4 FPS=5 PARALLELISM=2 MODEL="$FLAGSHIP" CLEAN=0 WORK="$HERE/work"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
FLINK_REST_PORT="${FLINK_REST_PORT:-8081}"
FLINK_RPC_PORT="${FLINK_RPC_PORT:-6123}"
PROMETHEUS_PORT="${PROMETHEUS_PORT:-9249}"   # JobManager; TaskManager i gets PROMETHEUS_PORT + i
JOB_ARGS=()

usage() {
  cat <<EOF
usage: deploy/local/demo.sh [options] [-- job options...]

  --duration S        seconds the cameras film (default 60); Ctrl-C ends the demo early
  --cameras N         simulated cameras (default 4)
  --fps F             frames a second per camera (default 5)
  --parallelism P     parallelism of the job; TaskManagers get ceil(P/2) slots each (default 2)
  --model FILE[,FILE] model files, relative to the repository root (default: the flagship v1 1.0/224)
  --clean             wipe the working folder first (class paths, broker storage, logs)
  --work DIR          working folder (default deploy/local/work)
  --kafka-port N      broker port (env KAFKA_PORT, default 9092); the controller uses
                      --kafka-controller-port (env KAFKA_CONTROLLER_PORT, default 9093)
  --flink-port N      Flink REST port and web UI (env FLINK_REST_PORT, default 8081); JobManager
                      RPC: --flink-rpc-port (env FLINK_RPC_PORT, default 6123)
  --prometheus-port N JobManager's Prometheus port; TaskManager i uses N+i (env PROMETHEUS_PORT, default 9249)
  -- ARGS             passed to the job after the demo's own job options (e.g. -- --batch-size 4)

Every port binds to localhost, except Prometheus' (Flink's reporter listens on all interfaces). Environment: MVN_ARGS (extra Maven arguments, e.g. -o),
MOBILENET_NO_BUILD=1 (never build; the jars must exist).
EOF
}

while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DURATION="$2"; shift 2 ;;
    --cameras) CAMERAS="$2"; shift 2 ;;
    --fps) FPS="$2"; shift 2 ;;
    --parallelism) PARALLELISM="$2"; shift 2 ;;
    --model) MODEL="$2"; shift 2 ;;
    --clean) CLEAN=1; shift ;;
    --work) WORK="$2"; shift 2 ;;
    --kafka-port) KAFKA_PORT="$2"; shift 2 ;;
    --kafka-controller-port) KAFKA_CONTROLLER_PORT="$2"; shift 2 ;;
    --flink-port) FLINK_REST_PORT="$2"; shift 2 ;;
    --flink-rpc-port) FLINK_RPC_PORT="$2"; shift 2 ;;
    --prometheus-port) PROMETHEUS_PORT="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --) shift; JOB_ARGS=("$@"); break ;;
    *) echo "demo: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
for n in "$DURATION" "$CAMERAS" "$PARALLELISM" "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$FLINK_REST_PORT" \
         "$FLINK_RPC_PORT" "$PROMETHEUS_PORT"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "demo: '$n' is not a whole number" >&2; exit 2; }
done
[[ "$FPS" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "demo: --fps '$FPS' is not a number" >&2; exit 2; }
[ "$PARALLELISM" -ge 1 ] && [ "$CAMERAS" -ge 1 ] && [ "$DURATION" -ge 1 ] \
  || { echo "demo: --parallelism, --cameras and --duration must be at least 1" >&2; exit 2; }

mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
PIDS="$WORK/pids" LOGS="$WORK/logs" CONF="$WORK/flink/conf"
T0=$(date +%s)
log() { printf 'demo [%3ds] %s\n' "$(( $(date +%s) - T0 ))" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# --- processes: every one we start is recorded in pids/NAME.pid and stopped by that PID ----------

alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# Stops one recorded process: SIGTERM, up to 30 s for a clean exit, then SIGKILL.
stop_pid_file() {
  local f="$1" name pid i
  name="$(basename "$f" .pid)"
  pid="$(cat "$f" 2>/dev/null || true)"
  if alive "$pid"; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 300); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then
      log "$name (pid $pid) did not stop in 30 s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
    fi
    log "stopped $name (pid $pid)"
  fi
  rm -f "$f"
}

stop_all() {
  local f left=""
  [ -d "$PIDS" ] || return 0
  # Producers and watchers first, then the job's processes, the broker last (the job writes to it).
  for f in "$PIDS"/labels.pid "$PIDS"/cameras.pid "$PIDS"/taskmanager-*.pid "$PIDS"/jobmanager.pid "$PIDS"/kafka.pid "$PIDS"/*.pid; do
    [ -e "$f" ] && stop_pid_file "$f"
  done
  for f in "$PIDS"/*.pid; do [ -e "$f" ] && left="$left $(basename "$f")"; done
  [ -z "$left" ] || log "still recorded:$left"
}

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_all
  rm -f "$OWNER"
  log "every process this demo started is stopped (logs in $LOGS)"
  exit "$status"
}

# One demo per working folder: another one running here owns these processes.
OWNER="$WORK/demo.pid"
if [ -f "$OWNER" ]; then
  owner="$(cat "$OWNER" 2>/dev/null || true)"
  if [ "$owner" != $$ ] && alive "$owner" && grep -qaF "demo.sh" "/proc/$owner/cmdline" 2>/dev/null; then
    die "another demo (pid $owner) is running in $WORK; wait for it, or use --work DIR and other ports"
  fi
fi
# A previous run that was killed without its cleanup may have left processes: stop those of this
# working folder (their command line names it), by the PIDs it recorded.
if [ -d "$PIDS" ]; then
  for f in "$PIDS"/*.pid; do
    [ -e "$f" ] || continue
    pid="$(cat "$f")"
    if alive "$pid" && grep -qaF -- "$WORK" "/proc/$pid/cmdline" 2>/dev/null; then
      log "a previous run left $(basename "$f" .pid) (pid $pid) running: stopping it"
    else
      rm -f "$f"
    fi
  done
  stop_all
fi
if [ "$CLEAN" = 1 ]; then
  log "--clean: wiping $WORK"
  rm -rf "$WORK"
fi
mkdir -p "$PIDS" "$LOGS" "$CONF" "$WORK/flink/log" "$WORK/flink/plugins" "$WORK/kafka"
echo $$ >"$OWNER"
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT TERM

start_bg() { # NAME COMMAND...: starts a process in the background, output to logs/NAME.out
  local name="$1"; shift
  "$@" >"$LOGS/$name.out" 2>&1 &
  echo $! >"$PIDS/$name.pid"
  log "started $name (pid $!)"
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# GET http://localhost:PORT/PATH, body on stdout (bash's /dev/tcp: no curl needed).
http_get() (
  exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
  printf 'GET %s HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$2" >&3
  reply="$(cat <&3)"
  [[ "$reply" == "HTTP/1."?" 200"* ]] || exit 1
  printf '%s' "${reply#*$'\r\n\r\n'}"
)

wait_until() { # SECONDS DESCRIPTION PID COMMAND...: polls COMMAND; fails early if PID died
  local seconds="$1" what="$2" pid="$3" i; shift 3
  for i in $(seq 1 $((seconds * 5))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if [ -n "$pid" ] && ! alive "$pid"; then die "$what: the process (pid $pid) exited; see $LOGS"; fi
    sleep 0.2
  done
  die "$what: not ready after $seconds s; see $LOGS"
}

# --- 1. class paths and jars ---------------------------------------------------------------------

mvn_cp() { # POM OUT: the runtime class path of a pom-packaging module, cached until the pom changes
  local pom="$1" out="$2"
  if [ ! -s "$out" ] || [ "$pom" -nt "$out" ]; then
    log "resolving $(basename "$(dirname "$pom")") jars from Maven Central (mvn dependency:build-classpath)"
    mvn -q ${MVN_ARGS:-} -f "$pom" dependency:build-classpath -Dmdep.outputFile="$out.tmp" >&2
    mv "$out.tmp" "$out"
  fi
}
mvn_cp "$HERE/kafka/pom.xml" "$WORK/kafka.classpath"
mvn_cp "$HERE/flink/pom.xml" "$WORK/flink.classpath"
KAFKA_CP="$(cat "$WORK/kafka.classpath")"
FLINK_CP="$(cat "$WORK/flink.classpath")"

job_jar() { ls "$ROOT"/job/target/mobilenet-job-*.jar 2>/dev/null | grep -v '/original-' | head -1; }
JAR="$(job_jar || true)"
if [ "${MOBILENET_NO_BUILD:-}" != 1 ]; then
  if [ -z "$JAR" ] || [ -n "$(find "$ROOT/job/src/main" "$ROOT/operators/engine/src/main" "$ROOT/operators/flink/src/main" \
        "$ROOT/pom.xml" "$ROOT/job/pom.xml" -newer "$JAR" -type f -print -quit 2>/dev/null)" ]; then
    log "building the job jar (mvn -pl job -am -DskipTests package)"
    mvn -q ${MVN_ARGS:-} -f "$ROOT/pom.xml" -pl job -am -DskipTests package >&2
    JAR="$(job_jar)"
  fi
fi
[ -n "$JAR" ] && [ -f "$JAR" ] || die "no job jar in job/target (build it: mvn -pl job -am -DskipTests package)"
MOBILENET="$ROOT/mobilenet"   # builds the CLI jar itself when it is missing or stale

# --- 2. ports --------------------------------------------------------------------------------------

SLOTS=$(( (PARALLELISM + 1) / 2 ))
TM_COUNT=2
PROM_PORTS=()
for i in $(seq 0 $TM_COUNT); do PROM_PORTS+=($((PROMETHEUS_PORT + i))); done
for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$FLINK_REST_PORT" "$FLINK_RPC_PORT" "${PROM_PORTS[@]}"; do
  if port_in_use "$p"; then
    die "port $p is in use; choose others (--kafka-port, --kafka-controller-port, --flink-port, --flink-rpc-port, --prometheus-port)"
  fi
done
BOOTSTRAP="localhost:$KAFKA_PORT"

# --- 3. Kafka: one combined broker+controller KRaft node -----------------------------------------

KDIR="$WORK/kafka"
cat >"$KDIR/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=localhost:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://localhost:$KAFKA_PORT,CONTROLLER://localhost:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://localhost:$KAFKA_PORT,CONTROLLER://localhost:$KAFKA_CONTROLLER_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KDIR/data
num.partitions=2
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
EOF
cat >"$KDIR/log4j2.properties" <<'EOF'
status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = ${sys:kafka.logs.dir}/kafka-server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
EOF
KAFKA_JAVA=("$JAVA" -Xms256m -Xmx512m -Dkafka.logs.dir="$LOGS" -Dlog4j2.configurationFile="$KDIR/log4j2.properties" -cp "$KAFKA_CP")
# The storage is formatted once; the controller's address is part of it, so new ports mean a new format.
FORMAT_KEY="$KAFKA_PORT/$KAFKA_CONTROLLER_PORT"
if [ ! -f "$KDIR/data/meta.properties" ] || [ "$(cat "$KDIR/formatted-for" 2>/dev/null)" != "$FORMAT_KEY" ]; then
  rm -rf "$KDIR/data"
  CLUSTER_ID="$("${KAFKA_JAVA[@]}" kafka.tools.StorageTool random-uuid)"
  log "formatting the broker's storage (kafka.tools.StorageTool format --standalone, cluster $CLUSTER_ID)"
  "${KAFKA_JAVA[@]}" kafka.tools.StorageTool format --standalone -t "$CLUSTER_ID" -c "$KDIR/server.properties" \
    >"$LOGS/kafka-format.out" 2>&1 || { cat "$LOGS/kafka-format.out" >&2; die "kafka storage format failed"; }
  echo "$FORMAT_KEY" >"$KDIR/formatted-for"
fi
start_bg kafka "${KAFKA_JAVA[@]}" kafka.Kafka "$KDIR/server.properties"
wait_until 60 "kafka on $BOOTSTRAP" "$(cat "$PIDS/kafka.pid")" port_in_use "$KAFKA_PORT"
log "kafka listening on $BOOTSTRAP"

# Empty topics for every run, so the job and the watcher can read from the earliest offset.
PARTITIONS=$(( PARALLELISM > 2 ? PARALLELISM : 2 ))
"$MOBILENET" cameras --bootstrap-servers "$BOOTSTRAP" --create-topics frames,labels,frames-dlq \
  --partitions "$PARTITIONS" --recreate-topics --duration 0 2>&1 | sed 's/^/demo: /' >&2
[ "${PIPESTATUS[0]}" = 0 ] || die "creating the topics failed"

# --- 4. Flink session cluster --------------------------------------------------------------------

# flink-dist's Java 17 list (env.java.opts.all); bin/flink, jobmanager.sh and taskmanager.sh pass it.
JAVA17_OPTS=(
  --add-exports=java.base/sun.net.util=ALL-UNNAMED --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED
  --add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.text=ALL-UNNAMED
  --add-opens=java.base/java.time=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED
)
# The engine's tuned kernels need the Vector API; without it a TaskManager runs ~50x slower kernels.
VECTOR_OPTS=(--add-modules jdk.incubator.vector)

cat >"$CONF/config.yaml" <<EOF
# Written by deploy/local/demo.sh for this run. The scripts pass the Java options themselves
# (as bin/jobmanager.sh and bin/taskmanager.sh do); they are listed here too for reference.
env:
  java:
    opts:
      all: ${JAVA17_OPTS[*]}
      taskmanager: ${VECTOR_OPTS[*]}
jobmanager:
  bind-host: localhost
  rpc: {address: localhost, port: $FLINK_RPC_PORT}
  memory: {process: {size: 1024m}}
  execution: {failover-strategy: region}
taskmanager:
  bind-host: localhost
  host: localhost
  numberOfTaskSlots: $SLOTS
  memory:
    process: {size: 1280m}
    managed: {fraction: 0.1}   # no RocksDB: the heap goes to the engines instead
parallelism: {default: $PARALLELISM}
rest: {address: localhost, bind-address: localhost, port: $FLINK_REST_PORT}
restart-strategy:
  type: exponential-delay
  exponential-delay: {initial-backoff: 1s, max-backoff: 30s, backoff-multiplier: 2.0, reset-backoff-threshold: 10min}
state:
  backend: {type: hashmap}
execution:
  checkpointing:
    dir: file://$WORK/flink/checkpoints
    savepoint-dir: file://$WORK/flink/savepoints
    externalized-checkpoint-retention: RETAIN_ON_CANCELLATION
metrics:
  reporter:
    prom:
      factory: {class: org.apache.flink.metrics.prometheus.PrometheusReporterFactory}
      port: ${PROM_PORTS[0]}-${PROM_PORTS[-1]}   # each process is pinned with -D metrics.reporter.prom.port
EOF
cat >"$CONF/log4j.properties" <<'EOF'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
appender.main.name = MainAppender
appender.main.type = File
appender.main.fileName = ${sys:log.file}
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
logger.kafka.name = org.apache.kafka
logger.kafka.level = WARN
EOF
cat >"$CONF/log4j-cli.properties" <<'EOF'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FileAppender
appender.file.name = FileAppender
appender.file.type = File
appender.file.fileName = ${sys:log.file}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
# Without flink-dist there is no YARN client; the front end says so and goes on.
logger.cli.name = org.apache.flink.client.cli.CliFrontend
logger.cli.level = ERROR
EOF

# The memory options the processes refuse to start without, derived as bin/config.sh does.
bash_java_utils() { # GET_JM_RESOURCE_PARAMS | GET_TM_RESOURCE_PARAMS -> two lines: JVM flags, dynamic properties
  "$JAVA" -Dlog.file="$WORK/flink/log/bash-java-utils.log" -Dlog4j.configurationFile="file:$CONF/log4j-cli.properties" \
    -cp "$FLINK_CP" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$CONF" \
    | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}
read_params() { # VAR_JVM VAR_DYN: reads the two lines into arrays
  local jvm dyn
  { read -r jvm; read -r dyn; } || return 1
  read -r -a "$1" <<<"$jvm"
  read -r -a "$2" <<<"$dyn"
}
read_params JM_JVM JM_DYN < <(bash_java_utils GET_JM_RESOURCE_PARAMS) || die "BashJavaUtils GET_JM_RESOURCE_PARAMS failed"
read_params TM_JVM TM_DYN < <(bash_java_utils GET_TM_RESOURCE_PARAMS) || die "BashJavaUtils GET_TM_RESOURCE_PARAMS failed"
[ "${#TM_JVM[@]}" -gt 0 ] && [ "${#TM_DYN[@]}" -gt 0 ] || die "BashJavaUtils gave no TaskManager memory options"
log "memory: jobmanager ${JM_JVM[*]}; taskmanager ${TM_JVM[*]}"

start_bg jobmanager "$JAVA" "${JM_JVM[@]}" "${JAVA17_OPTS[@]}" -Dlog.file="$WORK/flink/log/jobmanager.log" \
  -Dlog4j.configurationFile="file:$CONF/log4j.properties" -Dflink.demo.work="$WORK" -classpath "$FLINK_CP" \
  org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir "$CONF" "${JM_DYN[@]}" \
  -D metrics.reporter.prom.port="${PROM_PORTS[0]}"
# TaskManagers that start before the JobManager's REST answers retry only every 10 s.
wait_until 90 "jobmanager REST on port $FLINK_REST_PORT" "$(cat "$PIDS/jobmanager.pid")" http_get "$FLINK_REST_PORT" /overview
for i in $(seq 1 $TM_COUNT); do
  start_bg "taskmanager-$i" "$JAVA" "${TM_JVM[@]}" "${JAVA17_OPTS[@]}" "${VECTOR_OPTS[@]}" \
    -Dlog.file="$WORK/flink/log/taskmanager-$i.log" -Dlog4j.configurationFile="file:$CONF/log4j.properties" \
    -Dflink.demo.work="$WORK" -classpath "$FLINK_CP" org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    --configDir "$CONF" "${TM_DYN[@]}" -D metrics.reporter.prom.port="${PROM_PORTS[$i]}"
done
tms_registered() { http_get "$FLINK_REST_PORT" /overview | grep -q "\"taskmanagers\":$TM_COUNT,"; }
wait_until 90 "$TM_COUNT TaskManagers registered" "$(cat "$PIDS/jobmanager.pid")" tms_registered
log "flink cluster up: web UI http://localhost:$FLINK_REST_PORT, $TM_COUNT TaskManagers x $SLOTS slots"

# --- 5. the job, submitted with Flink's command-line front end (what bin/flink runs) ------------------

JOB=(--bootstrap-servers "$BOOTSTRAP" --input-topic frames --output-topic labels --dlq-topic frames-dlq
     --group-id mobilenet-demo --starting-offsets earliest --model "$MODEL" --model-dir "$ROOT"
     --parallelism "$PARALLELISM" --job-name mobilenet-demo ${JOB_ARGS[@]+"${JOB_ARGS[@]}"})
log "submitting; with a Flink distribution this is:"
log "  flink run -m localhost:$FLINK_REST_PORT -d ${JAR#$ROOT/} ${JOB[*]}"
set +e
FLINK_CONF_DIR="$CONF" FLINK_PLUGINS_DIR="$WORK/flink/plugins" "$JAVA" "${JAVA17_OPTS[@]}" \
  -Dlog.file="$WORK/flink/log/flink-client.log" -Dlog4j.configurationFile="file:$CONF/log4j-cli.properties" \
  -classpath "$FLINK_CP" org.apache.flink.client.cli.CliFrontend run -d "$JAR" "${JOB[@]}" >"$LOGS/flink-run.out" 2>&1
status=$?
set -e
JOB_ID="$(sed -n 's/.*submitted with JobID \([0-9a-f]\{32\}\).*/\1/p' "$LOGS/flink-run.out" | head -1)"
[ "$status" = 0 ] && [ -n "$JOB_ID" ] || { cat "$LOGS/flink-run.out" >&2; die "flink run failed (exit $status)"; }
echo "$JOB_ID" >"$WORK/job.id"
log "job $JOB_ID submitted"

# Running means every task has opened, i.e. every engine is loaded and warmed up.
job_running() {
  local j
  j="$(http_get "$FLINK_REST_PORT" "/jobs/$JOB_ID")" || return 1
  case "$j" in *'"state":"FAILED"'*|*'"state":"CANCELED"'*) echo "$j" >"$LOGS/job-failed.json"; return 2 ;; esac
  [[ "$j" == *'"state":"RUNNING"'* ]] || return 1
  ! grep -o '"status":"[A-Z]*"' <<<"$j" | grep -qv '"status":"RUNNING"'
}
for i in $(seq 1 600); do
  rc=0; job_running || rc=$?
  [ "$rc" = 0 ] && break
  [ "$rc" = 2 ] && die "the job failed; see $LOGS/job-failed.json and $WORK/flink/log"
  alive "$(cat "$PIDS/jobmanager.pid")" || die "the jobmanager exited; see $WORK/flink/log"
  [ "$i" = 600 ] && die "the job is not running after 120 s; see $WORK/flink/log"
  sleep 0.2
done
log "job running (every task open, engines warmed up)"

# --- 6. cameras and labels -----------------------------------------------------------------------------

PROM_URLS=""
for p in "${PROM_PORTS[@]}"; do PROM_URLS="$PROM_URLS${PROM_URLS:+,}http://localhost:$p/metrics"; done
# The CLI was built (if needed) by the topic step: no rebuild mid-demo if someone edits a source now.
# The property only puts the working folder on the command line, so a later run can tell its own.
CLI_ENV=(env MOBILENET_NO_BUILD=1 "MOBILENET_JAVA_OPTS=-Dmobilenet.demo.work=$WORK")
start_bg cameras "${CLI_ENV[@]}" "$MOBILENET" cameras --bootstrap-servers "$BOOTSTRAP" --cameras "$CAMERAS" \
  --fps "$FPS" --duration "$DURATION"
log "labels as they arrive (camera, sequence, top-1, score, capture-to-label latency); Ctrl-C ends early"
CHECKS=(--check)
[ "$MODEL" = "$FLAGSHIP" ] && CHECKS+=(--check-classes)
# The watcher runs in the background so that its PID is recorded like the others; its output goes to
# this terminal. Ctrl-C (which a background process does not receive) becomes a SIGTERM to it, on
# which it prints the summary of what arrived so far.
"${CLI_ENV[@]}" "$MOBILENET" labels --bootstrap-servers "$BOOTSTRAP" --from earliest --duration "$DURATION" \
  --drain 60 --prometheus "$PROM_URLS" "${CHECKS[@]}" &
WATCHER=$!
echo "$WATCHER" >"$PIDS/labels.pid"
log "started labels (pid $WATCHER)"
INTERRUPTED=0
trap 'INTERRUPTED=1; log "interrupted: the summary so far"; kill -TERM "$WATCHER" 2>/dev/null || true' INT TERM
status=0
wait "$WATCHER" || status=$?
if [ "$INTERRUPTED" = 1 ]; then
  while alive "$WATCHER"; do wait "$WATCHER" 2>/dev/null || true; done
  status=130
fi
rm -f "$PIDS/labels.pid"
log "cameras: $(tail -1 "$LOGS/cameras.out" 2>/dev/null)"
exit "$status"
