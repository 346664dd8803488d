# deploy/reliability/lib.sh: the local system of deploy/local/demo.sh (one Kafka broker process, a Flink
# session cluster of one JobManager and two TaskManagers, all from Maven Central jars) taken apart into
# pieces a fault experiment can call one at a time: start or kill -9 one TaskManager, stop or restart
# the broker, submit the job, watch its state. Sourced by faults.sh; not run on its own.
#
# It follows demo.sh step by step (same pom-only projects for the class paths, same broker properties,
# same Flink settings) and differs where the experiments need it: its own working folder and ports
# (so it can run beside a demo), two slots per TaskManager spread evenly (so the job can fail over to
# the surviving TaskManager), and processes that can be stopped and started again individually.

REL_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$REL_HOME/../.." && pwd)"
LOCAL="$ROOT/deploy/local"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
WORK="${WORK:-$REL_HOME/work}"
KAFKA_PORT="${KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
FLINK_REST_PORT="${FLINK_REST_PORT:-18081}"
FLINK_RPC_PORT="${FLINK_RPC_PORT:-16123}"
PROMETHEUS_PORT="${PROMETHEUS_PORT:-19249}"   # JobManager; TaskManager i: PROMETHEUS_PORT + i
BIND_ADDRESS="${BIND_ADDRESS:-localhost}"      # every listening socket we can choose the address of
TM_COUNT=2
TM_SLOTS="${TM_SLOTS:-2}"
BOOTSTRAP="localhost:$KAFKA_PORT"
PIDS="$WORK/pids" LOGS="$WORK/logs" CONF="$WORK/flink/conf" KDIR="$WORK/kafka"
MOBILENET="$ROOT/mobilenet"

now_ms() { date +%s%3N; }
T0_MS="$(now_ms)"
log() { printf 'reliability [%5.1fs] %s\n' "$(( $(now_ms) - T0_MS ))e-3" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }
pid_of() { cat "$PIDS/$1.pid" 2>/dev/null || true; }
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# GET http://localhost:PORT/PATH, body on stdout (bash's /dev/tcp; no curl needed).
http_get() (
  exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
  printf 'GET %s HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$2" >&3
  reply="$(cat <&3)"
  [[ "$reply" == "HTTP/1."?" 200"* ]] || exit 1
  printf '%s' "${reply#*$'\r\n\r\n'}"
)

wait_until() { # SECONDS DESCRIPTION PID COMMAND...: polls COMMAND every 0.2 s; fails early if PID died
  local seconds="$1" what="$2" pid="$3" i; shift 3
  for i in $(seq 1 $((seconds * 5))); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    if [ -n "$pid" ] && ! alive "$pid"; then die "$what: the process (pid $pid) exited; see $LOGS"; fi
    sleep 0.2
  done
  die "$what: not ready after $seconds s; see $LOGS"
}

start_bg() { # NAME COMMAND...: a process in the background, output appended to logs/NAME.out, PID in pids/NAME.pid
  local name="$1"; shift
  "$@" >>"$LOGS/$name.out" 2>&1 &
  echo $! >"$PIDS/$name.pid"
  log "started $name (pid $!)"
}

# Stops one recorded process with SIGNAL (TERM: waits up to 30 s for a clean exit, then KILL; KILL: at once).
stop_pid() { # NAME [TERM|KILL]
  local name="$1" signal="${2:-TERM}" pid i
  pid="$(pid_of "$name")"
  if alive "$pid"; then
    kill "-$signal" "$pid" 2>/dev/null || true
    for i in $(seq 1 300); do alive "$pid" || break; sleep 0.1; done
    if alive "$pid"; then
      log "$name (pid $pid) still running 30 s after SIG$signal: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
    fi
    log "$name (pid $pid) ended by SIG$signal"
  fi
  rm -f "$PIDS/$name.pid"
}

stop_all() {
  local f
  [ -d "$PIDS" ] || return 0
  for f in "$PIDS"/cameras.pid "$PIDS"/watch.pid "$PIDS"/taskmanager-*.pid "$PIDS"/jobmanager.pid "$PIDS"/kafka.pid "$PIDS"/*.pid; do
    [ -e "$f" ] && stop_pid "$(basename "$f" .pid)" TERM
  done
  return 0
}

# --- preparation: folders, leftovers of a killed run, class paths, jars, ports -------------------------

prepare() {
  local f pid p
  mkdir -p "$WORK"
  WORK="$(cd "$WORK" && pwd)"
  PIDS="$WORK/pids" LOGS="$WORK/logs" CONF="$WORK/flink/conf" KDIR="$WORK/kafka"
  if [ -d "$PIDS" ]; then
    for f in "$PIDS"/*.pid; do
      [ -e "$f" ] || continue
      pid="$(cat "$f")"
      if alive "$pid" && grep -q -- "$WORK" "/proc/$pid/cmdline" 2>/dev/null; then
        die "a previous run in $WORK is still running ($(basename "$f" .pid), pid $pid); stop it first: kill $pid"
      fi
      rm -f "$f"
    done
  fi
  rm -rf "$LOGS" "$WORK/flink/log" "$WORK/flink/checkpoints"
  mkdir -p "$PIDS" "$LOGS" "$CONF" "$WORK/flink/log" "$WORK/flink/plugins" "$KDIR"
  classpath "$LOCAL/kafka/pom.xml" "$WORK/kafka.classpath"
  classpath "$LOCAL/flink/pom.xml" "$WORK/flink.classpath"
  KAFKA_CP="$(cat "$WORK/kafka.classpath")"
  FLINK_CP="$(cat "$WORK/flink.classpath")"
  JAR="$(ls "$ROOT"/job/target/mobilenet-job-*.jar 2>/dev/null | grep -v '/original-' | head -1 || true)"
  if [ "${MOBILENET_NO_BUILD:-}" != 1 ] && { [ -z "$JAR" ] || [ -n "$(find "$ROOT/job/src/main" "$ROOT/operators/engine/src/main" \
        "$ROOT/operators/flink/src/main" "$ROOT/job/pom.xml" -newer "$JAR" -type f -print -quit 2>/dev/null)" ]; }; then
    log "building the job jar (mvn -pl job -am -DskipTests package)"
    mvn -q ${MVN_ARGS:-} -f "$ROOT/pom.xml" -pl job -am -DskipTests package >&2
    JAR="$(ls "$ROOT"/job/target/mobilenet-job-*.jar | grep -v '/original-' | head -1)"
  fi
  [ -f "$JAR" ] || die "no job jar (mvn -pl job -am -DskipTests package)"
  # Flink's Prometheus reporter listens on every interface; this project's reporter on BIND_ADDRESS.
  REPORTER_JAR="$REL_HOME/prometheus-reporter/target/mobilenet-prometheus-reporter.jar"
  if [ "${MOBILENET_NO_BUILD:-}" != 1 ] && { [ ! -f "$REPORTER_JAR" ] || [ -n "$(find "$REL_HOME/prometheus-reporter/src" \
        "$REL_HOME/prometheus-reporter/pom.xml" -newer "$REPORTER_JAR" -type f -print -quit)" ]; }; then
    log "building the bound Prometheus reporter (mvn -f deploy/reliability/prometheus-reporter/pom.xml package)"
    mvn -q ${MVN_ARGS:-} -f "$REL_HOME/prometheus-reporter/pom.xml" -DskipTests package >&2
  fi
  [ -f "$REPORTER_JAR" ] || die "no $REPORTER_JAR (mvn -f deploy/reliability/prometheus-reporter/pom.xml package)"
  FLINK_CP="$FLINK_CP:$REPORTER_JAR"
  for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$FLINK_REST_PORT" "$FLINK_RPC_PORT" \
           $(seq "$PROMETHEUS_PORT" $((PROMETHEUS_PORT + TM_COUNT))); do
    port_in_use "$p" && die "port $p is in use (ports: KAFKA_PORT, KAFKA_CONTROLLER_PORT, FLINK_REST_PORT, FLINK_RPC_PORT, PROMETHEUS_PORT)"
  done
  return 0
}

classpath() { # POM OUT: the runtime class path of one of deploy/local's pom-only projects, cached
  local pom="$1" out="$2"
  if [ ! -s "$out" ] || [ "$pom" -nt "$out" ]; then
    log "resolving $(basename "$(dirname "$pom")") jars (mvn dependency:build-classpath -f ${pom#$ROOT/})"
    mvn -q ${MVN_ARGS:-} -f "$pom" dependency:build-classpath -Dmdep.outputFile="$out.tmp" >&2
    mv "$out.tmp" "$out"
  fi
}

# --- Kafka: one combined broker and controller, storage kept across restarts -------------------------

kafka_configure() {
  cat >"$KDIR/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=localhost:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$BIND_ADDRESS:$KAFKA_PORT,CONTROLLER://$BIND_ADDRESS:$KAFKA_CONTROLLER_PORT
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
  KAFKA_JAVA=("$JAVA" -Xms256m -Xmx512m -Dkafka.logs.dir="$LOGS" -Dlog4j2.configurationFile="$KDIR/log4j2.properties"
              -Dreliability.work="$WORK" -cp "$KAFKA_CP")
  rm -rf "$KDIR/data"
  local id
  id="$("${KAFKA_JAVA[@]}" kafka.tools.StorageTool random-uuid)"
  "${KAFKA_JAVA[@]}" kafka.tools.StorageTool format --standalone -t "$id" -c "$KDIR/server.properties" \
    >"$LOGS/kafka-format.out" 2>&1 || { cat "$LOGS/kafka-format.out" >&2; die "kafka storage format failed"; }
}

kafka_start() {
  start_bg kafka "${KAFKA_JAVA[@]}" kafka.Kafka "$KDIR/server.properties"
  wait_until 90 "kafka on $BOOTSTRAP" "$(pid_of kafka)" port_in_use "$KAFKA_PORT"
}

kafka_stop() { stop_pid kafka "${1:-TERM}"; }

topics_create() { # the three topics, empty, PARTITIONS each
  "$MOBILENET" cameras --bootstrap-servers "$BOOTSTRAP" --create-topics frames,labels,frames-dlq \
    --partitions "${1:-4}" --recreate-topics --duration 0 >>"$LOGS/topics.out" 2>&1 || die "creating the topics failed; see $LOGS/topics.out"
}

# --- Flink: JobManager and TaskManagers -----------------------------------------------------------------

# flink-dist's Java 17 list (env.java.opts.all), as demo.sh passes it.
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
VECTOR_OPTS=(--add-modules jdk.incubator.vector)

flink_configure() { # [RESTART_STRATEGY_YAML]
  cat >"$CONF/config.yaml" <<EOF
# Written by deploy/reliability/lib.sh (the settings of deploy/local/demo.sh, plus the failover ones).
jobmanager:
  bind-host: $BIND_ADDRESS
  rpc: {address: localhost, port: $FLINK_RPC_PORT}
  memory: {process: {size: 1024m}}
  execution: {failover-strategy: region}
taskmanager:
  bind-host: $BIND_ADDRESS
  host: localhost
  numberOfTaskSlots: $TM_SLOTS
  memory:
    process: {size: 1280m}
    managed: {fraction: 0.1}
taskmanager.load-balance.mode: SLOTS   # one subtask per TaskManager: a kill leaves a running TaskManager with a free slot
${HEARTBEAT_INTERVAL:+heartbeat: {interval: $HEARTBEAT_INTERVAL, timeout: ${HEARTBEAT_TIMEOUT:-50s}\}}
parallelism: {default: 2}
rest: {address: localhost, bind-address: $BIND_ADDRESS, port: $FLINK_REST_PORT}
restart-strategy:
  type: exponential-delay
  exponential-delay: {initial-backoff: 1s, max-backoff: 30s, backoff-multiplier: 2.0, reset-backoff-threshold: 10min}
state:
  backend: {type: hashmap}
execution:
  checkpointing:
    dir: file://$WORK/flink/checkpoints
    externalized-checkpoint-retention: RETAIN_ON_CANCELLATION
metrics:
  reporter:
    prom:
      factory: {class: org.flinkmobilenet.metrics.BoundPrometheusReporterFactory}
      host: $BIND_ADDRESS
      port: $PROMETHEUS_PORT-$((PROMETHEUS_PORT + TM_COUNT))
EOF
  cat >"$CONF/log4j.properties" <<'EOF'
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
appender.main.name = MainAppender
appender.main.type = File
appender.main.fileName = ${sys:log.file}
appender.main.append = true
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
logger.cli.name = org.apache.flink.client.cli.CliFrontend
logger.cli.level = ERROR
EOF
  local jvm dyn
  { read -r jvm; read -r dyn; } < <(bash_java_utils GET_JM_RESOURCE_PARAMS) || die "BashJavaUtils GET_JM_RESOURCE_PARAMS failed"
  read -r -a JM_JVM <<<"$jvm"; read -r -a JM_DYN <<<"$dyn"
  { read -r jvm; read -r dyn; } < <(bash_java_utils GET_TM_RESOURCE_PARAMS) || die "BashJavaUtils GET_TM_RESOURCE_PARAMS failed"
  read -r -a TM_JVM <<<"$jvm"; read -r -a TM_DYN <<<"$dyn"
  [ "${#TM_JVM[@]}" -gt 0 ] || die "BashJavaUtils gave no TaskManager memory options"
}

bash_java_utils() {
  "$JAVA" -Dlog.file="$WORK/flink/log/bash-java-utils.log" -Dlog4j.configurationFile="file:$CONF/log4j-cli.properties" \
    -cp "$FLINK_CP" org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$CONF" \
    | sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}

jobmanager_start() {
  start_bg jobmanager "$JAVA" "${JM_JVM[@]}" "${JAVA17_OPTS[@]}" -Dlog.file="$WORK/flink/log/jobmanager.log" \
    -Dlog4j.configurationFile="file:$CONF/log4j.properties" -Dreliability.work="$WORK" -classpath "$FLINK_CP" \
    org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint --configDir "$CONF" "${JM_DYN[@]}" \
    -D metrics.reporter.prom.port="$PROMETHEUS_PORT"
  wait_until 90 "jobmanager REST on port $FLINK_REST_PORT" "$(pid_of jobmanager)" http_get "$FLINK_REST_PORT" /overview
}

taskmanager_start() { # I (1-based); the same command line every time, as a supervisor would restart it
  local i="$1"
  start_bg "taskmanager-$i" "$JAVA" "${TM_JVM[@]}" "${JAVA17_OPTS[@]}" "${VECTOR_OPTS[@]}" \
    -Dlog.file="$WORK/flink/log/taskmanager-$i.log" -Dlog4j.configurationFile="file:$CONF/log4j.properties" \
    -Dreliability.work="$WORK" -classpath "$FLINK_CP" org.apache.flink.runtime.taskexecutor.TaskManagerRunner \
    --configDir "$CONF" "${TM_DYN[@]}" -D metrics.reporter.prom.port=$((PROMETHEUS_PORT + i))
}

taskmanagers_registered() { http_get "$FLINK_REST_PORT" /overview | grep -q "\"taskmanagers\":$1,"; }

flink_cli() { # ARGS...: Flink's command-line front end (what bin/flink runs) against this cluster
  FLINK_CONF_DIR="$CONF" FLINK_PLUGINS_DIR="$WORK/flink/plugins" "$JAVA" "${JAVA17_OPTS[@]}" \
    -Dlog.file="$WORK/flink/log/flink-client.log" -Dlog4j.configurationFile="file:$CONF/log4j-cli.properties" \
    -classpath "$FLINK_CP" org.apache.flink.client.cli.CliFrontend "$@"
}

job_submit() { # JOB OPTIONS...: flink run -d; sets JOB_ID
  flink_cli run -d "$JAR" "$@" >"$LOGS/flink-run.out" 2>&1 || { cat "$LOGS/flink-run.out" >&2; die "flink run failed"; }
  JOB_ID="$(sed -n 's/.*submitted with JobID \([0-9a-f]\{32\}\).*/\1/p' "$LOGS/flink-run.out" | head -1)"
  [ -n "$JOB_ID" ] || { cat "$LOGS/flink-run.out" >&2; die "no job id in the flink run output"; }
}

# The job's state, and RUNNING only once every task runs (i.e. every engine is loaded and warmed up).
job_state() {
  local j state
  j="$(http_get "$FLINK_REST_PORT" "/jobs/$JOB_ID" 2>/dev/null)" || { echo UNREACHABLE; return; }
  state="$(grep -o '"state":"[A-Z]*"' <<<"$j" | head -1 | cut -d'"' -f4)"
  if [ "$state" = RUNNING ] && grep -o '"status":"[A-Z]*"' <<<"$j" | grep -qv '"status":"RUNNING"'; then
    state=STARTING
  fi
  echo "${state:-UNKNOWN}"
}

job_running() { [ "$(job_state)" = RUNNING ]; }

# Writes "epoch-ms STATE" to logs/job-states.log whenever the job's state changes (polled every 0.2 s).
job_watch_start() {
  (
    last=""
    while true; do
      s="$(job_state)"
      if [ "$s" != "$last" ]; then echo "$(now_ms) $s" >>"$LOGS/job-states.log"; last="$s"; fi
      sleep 0.2
    done
  ) &
  echo $! >"$PIDS/watch.pid"
}

# Every TCP port the processes of this run listen on, one line each: "NAME ADDRESS:PORT", and status 1
# if one of them listens on every interface (the wildcard address) rather than on BIND_ADDRESS.
listening_check() {
  local f name pid inodes wild=0
  for f in "$PIDS"/kafka.pid "$PIDS"/jobmanager.pid "$PIDS"/taskmanager-*.pid; do
    [ -e "$f" ] || continue
    name="$(basename "$f" .pid)" pid="$(cat "$f")"
    inodes="$(ls -l "/proc/$pid/fd" 2>/dev/null | sed -n 's/.*socket:\[\([0-9]*\)\]/\1/p' | tr '\n' ' ')"
    while read -r addr; do
      [ -n "$addr" ] || continue
      echo "$name $addr"
      case "$addr" in 0.0.0.0:*|'[::]':*) wild=1 ;; esac
    done < <(awk -v inodes=" $inodes " '
      function hex(h,  i, n) { n = 0; for (i = 1; i <= length(h); i++) n = n * 16 + index("0123456789ABCDEF", toupper(substr(h, i, 1))) - 1; return n }
      function ip4(h,  i, s) { s = ""; for (i = 7; i >= 1; i -= 2) s = s (s == "" ? "" : ".") hex(substr(h, i, 2)); return s }
      $4 == "0A" && index(inodes, " " $10 " ") {
        split($2, a, ":"); port = hex(a[2]); h = a[1]
        if (length(h) == 8) addr = ip4(h)
        else if (h ~ /^0+$/) addr = "[::]"
        else if (substr(h, 1, 24) == "0000000000000000FFFF0000") addr = ip4(substr(h, 25, 8))
        else if (h == "00000000000000000000000001000000") addr = "[::1]"
        else addr = "[" h "]"
        print addr ":" port
      }' /proc/net/tcp /proc/net/tcp6 | sort -u)
  done
  return "$wild"
}
