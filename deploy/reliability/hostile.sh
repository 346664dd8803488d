#!/usr/bin/env bash
# Hostile camera traffic into a running job, then a check of what became of every frame: the same
# generator as HostileFramesITCase (HostileFrames, in the job's test classes), sending to any broker.
# Start a system first (deploy/local/demo.sh --duration 600, or faults.sh), then, from the repository root:
#
#   deploy/reliability/hostile.sh --bootstrap-servers localhost:9092 --frames 2000
#
# The outcomes it expects assume the job's default image limits; pass the job's own values with
# --max-frame-bytes (its --max-image-bytes; frames one byte over it are only sent when it is below
# 1,000,000 bytes, Kafka's record limit) and --max-frame-age-ms (its --max-frame-age-ms; 'stale'
# frames are only sent when it is on). Exit status 0 when every frame got its outcome.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="${WORK:-$ROOT/deploy/reliability/work}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
BOOTSTRAP="" ARGS=() DRAIN=120 LABELS=labels DLQ=frames-dlq
while [ $# -gt 0 ]; do
  case "$1" in
    --bootstrap-servers) BOOTSTRAP="$2"; shift 2 ;;
    --drain-seconds) DRAIN="$2"; shift 2 ;;
    --labels-topic) LABELS="$2"; shift 2 ;;
    --dlq-topic) DLQ="$2"; shift 2 ;;
    --frames|--seed|--bad-fraction|--max-frame-bytes|--max-frame-age-ms|--cameras|--fps|--topic|--run) ARGS+=("$1" "$2"); shift 2 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
               echo "options: --bootstrap-servers H:P (required) --frames N --seed S --bad-fraction F --max-frame-bytes N"
               echo "         --max-frame-age-ms MS --cameras N --fps F (0: as fast as possible) --topic T --labels-topic T"
               echo "         --dlq-topic T --drain-seconds S"
               exit 0 ;;
    *) echo "hostile: unknown option $1 (--help)" >&2; exit 2 ;;
  esac
done
[ -n "$BOOTSTRAP" ] || { echo "hostile: --bootstrap-servers is required" >&2; exit 2; }
mkdir -p "$WORK"

# The job's test classes and their class path (compiled here; nothing is run but the generator and the check).
CP_FILE="$WORK/job-test.classpath"
echo "hostile: compiling the job's test classes (mvn -pl job -am test-compile)" >&2
mvn -q ${MVN_ARGS:-} -f "$ROOT/pom.xml" -pl job -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE" >&2
CP="$ROOT/job/target/test-classes:$ROOT/job/target/classes:$(cat "$CP_FILE")"
EXPECT="$WORK/hostile-expected-$(date +%s).tsv"

cd "$ROOT"
"$JAVA" --add-modules jdk.incubator.vector -cp "$CP" -Dmobilenet.repo.root="$ROOT" org.flinkmobilenet.job.HostileFrames \
  --bootstrap-servers "$BOOTSTRAP" --expect "$EXPECT" ${ARGS[@]+"${ARGS[@]}"} 2> >(grep -v 'incubator' >&2)
echo "hostile: sent; expectations in $EXPECT; checking the labels and dead letters" >&2
exec "$JAVA" -cp "$CP" org.flinkmobilenet.job.HostileCheck --bootstrap-servers "$BOOTSTRAP" --expect "$EXPECT" \
  --labels-topic "$LABELS" --dlq-topic "$DLQ" --drain-seconds "$DRAIN"
