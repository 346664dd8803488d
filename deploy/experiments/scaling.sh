#!/usr/bin/env bash
# Throughput scaling experiments (issue 7): the real job on a Flink MiniCluster with an in-JVM Kafka
# broker, over models x frame formats x batch sizes x slot layouts, next to the engine alone.
# Writes CSV files, PNG plots and summary.md to deploy/experiments/results/<timestamp>/.
#
#   deploy/experiments/scaling.sh               # the full grid, 3 repeats (about 75 min on 2 cores)
#   deploy/experiments/scaling.sh --quick       # smoke run: one model, batch 1 and 4, 1 repeat (~3 min)
#   deploy/experiments/scaling.sh --report DIR  # plots and summary again from DIR's CSV files
#   deploy/experiments/scaling.sh --help        # every option (narrow the grid to redo one figure)
#
# Needs only Java 17 and Maven. Run it when the machine is quiet: every figure is a throughput on
# shared cores, and the summary records how busy the machine was outside the experiment.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

echo "scaling: compiling the engine, operators, job and experiment (mvn, no tests) ..." >&2
mvn -q -f "$ROOT/pom.xml" -pl deploy/experiments -am process-classes -Dexperiments.skipClasspath=false >&2

# A private copy of this checkout's compiled classes, so a build started by someone else in the same
# checkout (mvn clean, say) cannot pull classes from under a run that lasts an hour.
STAMP="$(date +%Y%m%d-%H%M%S)"
WORK="$HERE/work/$STAMP-$$"
mkdir -p "$WORK/classes"
CP=""
i=0
IFS=':' read -r -a ENTRIES <<< "$(cat "$HERE/target/classpath.txt")"
for entry in "$HERE/target/classes" "${ENTRIES[@]}"; do
  if [ -d "$entry" ]; then
    i=$((i + 1))
    cp -r "$entry" "$WORK/classes/$i"
    CP="$CP:$WORK/classes/$i"
  else
    CP="$CP:$entry"
  fi
done
CP="${CP#:}"

ARGS=("$@")
OUT=""
REPORT=0
for ((k = 0; k < ${#ARGS[@]}; k++)); do
  case "${ARGS[$k]}" in
    --out) OUT="${ARGS[$((k + 1))]:-}" ;;
    --report|--help) REPORT=1 ;;
  esac
done
if [ "$REPORT" = 0 ] && [ -z "$OUT" ]; then
  OUT="$HERE/results/$STAMP"
  ARGS+=(--out "$OUT")
fi

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
run() {
  "$JAVA" -Xms1g -Xmx3g -XX:+UseG1GC --add-modules jdk.incubator.vector -Djava.awt.headless=true ${EXPERIMENTS_JAVA_OPTS:-} \
    -Dmobilenet.repo.root="$ROOT" -cp "$CP" org.flinkmobilenet.experiments.Scaling "${ARGS[@]}"
}
set +e
if [ "$REPORT" = 1 ]; then
  run
  status=$?
elif ! "$JAVA" -cp "$CP" -Dmobilenet.repo.root="$ROOT" org.flinkmobilenet.experiments.Scaling "${ARGS[@]}" --check; then
  status=2 # the driver said what is wrong with the options; no results folder is made
else
  mkdir -p "$OUT"
  echo "scaling: results in $OUT (console copy: run.log)" >&2
  run 2>&1 | tee "$OUT/run.log"
  status=${PIPESTATUS[0]}
fi
set -e
rm -rf "$WORK"
exit "$status"
