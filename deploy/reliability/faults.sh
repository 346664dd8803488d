#!/usr/bin/env bash
# Faults on the real local system, with the clock running: a Kafka broker process, a Flink session
# cluster (one JobManager, two TaskManagers) and the job submitted with flink run, fed by simulated
# cameras. Mid-stream, one TaskManager is killed with SIGKILL (and started again by the script, as a
# supervisor would), then the broker is stopped and started again. Afterwards FaultCheck reads the
# three topics: every frame the cameras got into Kafka must have a label (at-least-once: at least one;
# exactly-once: exactly one, as a read_committed consumer sees them) or a dead letter; and the time to
# recover from each fault is measured from the labels themselves and from the job's state.
# See the README, section "Reliability". The last line on stdout is one JSON object.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"

DELIVERY=at-least-once CAMERAS=4 FPS=5 DURATION=150 KILL_AT=30 TM_BACK_AFTER=10 BROKER_STOP_AT=80 BROKER_DOWN=15
BROKER_SIGNAL=TERM CHECKPOINT_MS=5000 THRESHOLD_MS=1000
FLAGSHIP="models/mobilenet_v1/mobilenet_v1_1.0_224_quant_embedding_extractor.tflite,models/mobilenet_v1/mobilenet_quant_v1_224_head_layers.tflite"

usage() {
  cat <<EOF
usage: deploy/reliability/faults.sh [options]

  --delivery at-least-once|exactly-once   the job's delivery (default at-least-once)
  --cameras N, --fps F                    simulated cameras and frames a second each (default 4 x 5)
  --duration S                            seconds the cameras send (default 150)
  --kill-tm-at S                          kill -9 TaskManager 1 S seconds after the cameras start (default 30; 0: no kill)
  --tm-back-after S                       start it again S seconds later (default 10; 0: never)
  --broker-stop-at S                      stop the broker S seconds after the cameras start (default 80; 0: no stop)
  --broker-down S                         seconds the broker stays down (default 15)
  --broker-kill                           stop the broker with SIGKILL instead of SIGTERM
  --checkpoint-interval-ms MS             the job's checkpoint interval (default 5000)
  --latency-threshold-ms MS               "caught up" once every label is this fast again (default 1000)
  --short                                 a shorter run: --duration 60 --kill-tm-at 15 --broker-stop-at 35 --broker-down 10

Environment: HEARTBEAT_INTERVAL (e.g. 2s; Flink's default is 10s) and HEARTBEAT_TIMEOUT (default 50s) for the
Flink processes. Ports (environment): KAFKA_PORT 19092, KAFKA_CONTROLLER_PORT 19093, FLINK_REST_PORT 18081, FLINK_RPC_PORT 16123,
PROMETHEUS_PORT 19249 (+1, +2 for the TaskManagers). WORK: working folder (default deploy/reliability/work).
EOF
}

while [ $# -gt 0 ]; do
  case "$1" in
    --delivery) DELIVERY="$2"; shift 2 ;;
    --cameras) CAMERAS="$2"; shift 2 ;;
    --fps) FPS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --kill-tm-at) KILL_AT="$2"; shift 2 ;;
    --tm-back-after) TM_BACK_AFTER="$2"; shift 2 ;;
    --broker-stop-at) BROKER_STOP_AT="$2"; shift 2 ;;
    --broker-down) BROKER_DOWN="$2"; shift 2 ;;
    --broker-kill) BROKER_SIGNAL=KILL; shift ;;
    --checkpoint-interval-ms) CHECKPOINT_MS="$2"; shift 2 ;;
    --latency-threshold-ms) THRESHOLD_MS="$2"; shift 2 ;;
    --short) DURATION=60 KILL_AT=15 BROKER_STOP_AT=35 BROKER_DOWN=10; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "faults: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
case "$DELIVERY" in at-least-once|exactly-once) ;; *) echo "faults: --delivery at-least-once|exactly-once" >&2; exit 2 ;; esac

prepare
trap 'status=$?; trap - EXIT INT TERM; stop_all; log "every process this run started is stopped (logs in $LOGS, $WORK/flink/log)"; exit $status' EXIT
trap 'log interrupted; exit 130' INT TERM
log "machine load: $(cat /proc/loadavg)"

kafka_configure
kafka_start
log "kafka up on $BOOTSTRAP"
topics_create 4
flink_configure
jobmanager_start
taskmanager_start 1
taskmanager_start 2
wait_until 90 "$TM_COUNT TaskManagers registered" "$(pid_of jobmanager)" taskmanagers_registered "$TM_COUNT"
log "flink up: REST http://localhost:$FLINK_REST_PORT, $TM_COUNT TaskManagers x $TM_SLOTS slots"

job_submit --bootstrap-servers "$BOOTSTRAP" --starting-offsets earliest --group-id "reliability-$DELIVERY" \
  --model "$FLAGSHIP" --model-dir "$ROOT" --parallelism 2 --delivery "$DELIVERY" \
  --checkpoint-interval-ms "$CHECKPOINT_MS" --transactional-id-prefix "reliability-$(now_ms)" --job-name "reliability-$DELIVERY"
log "job $JOB_ID submitted ($DELIVERY, checkpoints every $CHECKPOINT_MS ms)"
wait_until 180 "job running" "$(pid_of jobmanager)" job_running
log "job running on both TaskManagers"
job_watch_start
if listening_check >"$LOGS/listening.txt"; then LOOPBACK_ONLY=true; else LOOPBACK_ONLY=false; fi
log "listening sockets of the broker, JobManager and TaskManagers: $(wc -l <"$LOGS/listening.txt"), all on $BIND_ADDRESS: $LOOPBACK_ONLY"
[ "$LOOPBACK_ONLY" = true ] || log "$(grep -E '0\.0\.0\.0:|\[::\]:' "$LOGS/listening.txt" | tr '\n' ' ')"

EVENTS=()
event() { EVENTS+=(--event "$1=$(now_ms)"); log "event $1"; }
sleep_until() { local at_ms=$(( CAM_START + $1 * 1000 )) now; now="$(now_ms)"; [ "$now" -ge "$at_ms" ] || sleep "$(( at_ms - now ))e-3"; }

start_bg cameras "$MOBILENET" cameras --bootstrap-servers "$BOOTSTRAP" --cameras "$CAMERAS" --fps "$FPS" --duration "$DURATION"
CAM_START="$(now_ms)"

# The faults, in time order.
FAULTS=()
[ "$KILL_AT" -gt 0 ] && FAULTS+=("$KILL_AT tm")
[ "$BROKER_STOP_AT" -gt 0 ] && FAULTS+=("$BROKER_STOP_AT broker")
while read -r at what; do
  [ -n "$at" ] || continue
  sleep_until "$at"
  case "$what" in
    tm)
      event tm-kill
      stop_pid taskmanager-1 KILL
      if [ "$TM_BACK_AFTER" -gt 0 ]; then
        sleep "$TM_BACK_AFTER"
        event tm-restart
        taskmanager_start 1
      fi ;;
    broker)
      event broker-stop
      kafka_stop "$BROKER_SIGNAL"
      sleep "$BROKER_DOWN"
      event broker-start
      kafka_start
      event broker-up ;;
  esac
done < <(printf '%s\n' "${FAULTS[@]}" | sort -n)

log "faults done; waiting for the cameras to finish"
cam_pid="$(pid_of cameras)"
while alive "$cam_pid"; do sleep 1; done
log "cameras: $(tail -1 "$LOGS/cameras.out")"

log "checking the topics (FaultCheck; exactly-once labels appear as checkpoints complete)"
set +e
"$JAVA" -cp "$KAFKA_CP" "$REL_HOME/FaultCheck.java" --bootstrap-servers "$BOOTSTRAP" --delivery "$DELIVERY" \
  --latency-threshold-ms "$THRESHOLD_MS" --dump "$LOGS/labels.tsv" "${EVENTS[@]}" >"$LOGS/check.json" 2>"$LOGS/check.out"
check_status=$?
set -e
cat "$LOGS/check.out" >&2

# From the job's state log: when the job left RUNNING after each fault and when it was RUNNING again.
states() { # EVENT_MS: "left-running-after back-running-after" in seconds, or "- -"
  awk -v at="$1" '
    $1 >= at && left == "" && $2 != "RUNNING" { left = $1 }
    left != "" && back == "" && $1 > left && $2 == "RUNNING" { back = $1 }
    END {
      if (left == "") { print "- -"; exit }
      printf "%.1f %s\n", (left - at) / 1000, (back == "" ? "-" : sprintf("%.1f", (back - at) / 1000))
    }' "$LOGS/job-states.log"
}
STATE_JSON=""
for ((i = 1; i < ${#EVENTS[@]}; i += 2)); do
  name="${EVENTS[$i]%%=*}" at="${EVENTS[$i]#*=}"
  case "$name" in tm-kill|broker-stop) ;; *) continue ;; esac
  read -r left back < <(states "$at")
  log "$name: job left RUNNING after ${left} s, RUNNING again (every task) after ${back} s"
  STATE_JSON="$STATE_JSON${STATE_JSON:+, }\"$name\": {\"left_running_s\": \"$left\", \"running_again_s\": \"$back\"}"
done
restarts="$(grep -c 'switched from state RUNNING to RESTARTING' "$WORK/flink/log/jobmanager.log" || true)"
log "the JobManager restarted the job $restarts time(s): $(grep -o 'switched from state RUNNING to RESTARTING.*' "$WORK/flink/log/jobmanager.log" | head -3 | tr '\n' ' ')"
log "machine load: $(cat /proc/loadavg)"
check="$(cat "$LOGS/check.json")"
echo "{\"check\": $check, \"job_states\": {$STATE_JSON}, \"restarts\": $restarts, \"listening_on_bind_address\": $LOOPBACK_ONLY, \"cameras\": $(tail -1 "$LOGS/cameras.out")}"
exit "$check_status"
