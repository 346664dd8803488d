#!/usr/bin/env bash
# A bad model on the real local cluster: a JobManager and a TaskManager (the fault cluster of lib.sh),
# and the job submitted attached with `flink run` (CliFrontend) with a truncated copy of the flagship
# and --model-check=false, so the model is only read on the TaskManager. The job must fail once: a
# failed `flink run` naming the file, the message in the JobManager's log, no restart although the
# cluster's restart strategy would retry. Then the same model with the default --model-check: refused
# at submission, no job. No broker is needed (the model fails first). Prints one JSON line at the end.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
TM_COUNT=1

prepare
trap 'status=$?; trap - EXIT INT TERM; stop_all; exit $status' EXIT
trap 'log interrupted; exit 130' INT TERM
MODEL="$WORK/truncated.tflite"
head -c 100000 "$ROOT/models/mobilenet_v1/mobilenet_v1_1.0_224_quant_embedding_extractor.tflite" >"$MODEL"

flink_configure
jobmanager_start
taskmanager_start 1
wait_until 90 "TaskManager registered" "$(pid_of jobmanager)" taskmanagers_registered 1

log "flink run (attached) with $MODEL and --model-check=false"
set +e
flink_cli run "$JAR" --bootstrap-servers localhost:9 --model "$MODEL" --model-check=false --warmup-ms 0 \
  --job-name bad-model >"$LOGS/run-unchecked.out" 2>&1
unchecked=$?
flink_cli run "$JAR" --bootstrap-servers localhost:9 --model "$MODEL" --job-name bad-model-checked \
  >"$LOGS/run-checked.out" 2>&1
checked=$?
set -e
JM_LOG="$WORK/flink/log/jobmanager.log"
log "flink run exit status: $unchecked; its message: $(grep -o 'ModelUnavailableException: .*' "$LOGS/run-unchecked.out" | head -1)"
log "JobManager log: $(grep -o 'ModelUnavailableException: .*' "$JM_LOG" | head -1)"
failed="$(grep -c 'switched from state RUNNING to FAILING\|switched from state CREATED to FAILING\|switched from state INITIALIZING to FAILED' "$JM_LOG" || true)"
restarts="$(grep -c 'to RESTARTING' "$JM_LOG" || true)"
log "JobManager: job failed $failed time(s), restarted $restarts time(s)"
log "with the default --model-check: exit status $checked: $(grep -o 'the model cannot be used: .*' "$LOGS/run-checked.out" | head -1)"
jobs_seen="$(http_get "$FLINK_REST_PORT" /jobs/overview | grep -o '"name":"[^"]*"' | tr '\n' ' ')"
log "jobs the cluster knows: $jobs_seen"
ok=false
if [ "$unchecked" != 0 ] && grep -q 'truncated.tflite' "$LOGS/run-unchecked.out" && grep -q 'ModelUnavailableException' "$JM_LOG" \
   && [ "$restarts" = 0 ] && [ "$checked" != 0 ] && [[ "$jobs_seen" != *bad-model-checked* ]]; then
  ok=true
fi
echo "{\"flink_run_exit\": $unchecked, \"jobmanager_log_names_the_model\": $(grep -q 'truncated.tflite' "$JM_LOG" && echo true || echo false), \"restarts\": $restarts, \"checked_run_exit\": $checked, \"ok\": $ok}"
[ "$ok" = true ]
