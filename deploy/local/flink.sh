#!/usr/bin/env bash
# `flink` for the demo's cluster while deploy/local/demo.sh runs: Flink's command-line front end
# (CliFrontend, what bin/flink runs) with the demo's configuration and class path, e.g.
#   deploy/local/flink.sh list
#   deploy/local/flink.sh cancel <job id>
#   deploy/local/flink.sh run -d job/target/mobilenet-job-0.1.0-SNAPSHOT.jar --help
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="${DEMO_WORK:-$HERE/work}"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
[ -s "$WORK/flink.classpath" ] && [ -f "$WORK/flink/conf/config.yaml" ] \
  || { echo "flink.sh: no demo cluster set up in $WORK (run deploy/local/demo.sh; DEMO_WORK=DIR for --work DIR)" >&2; exit 1; }
mkdir -p "$WORK/flink/plugins" "$WORK/flink/log"
# The Java 17 options, as the demo passes them (the list in the generated config.yaml).
read -r -a OPENS <<<"$(sed -n 's/^      all: //p' "$WORK/flink/conf/config.yaml")"
FLINK_CONF_DIR="$WORK/flink/conf" FLINK_PLUGINS_DIR="$WORK/flink/plugins" exec "$JAVA" "${OPENS[@]}" \
  -Dlog.file="$WORK/flink/log/flink-client.log" -Dlog4j.configurationFile="file:$WORK/flink/conf/log4j-cli.properties" \
  -classpath "$(cat "$WORK/flink.classpath")" org.apache.flink.client.cli.CliFrontend "$@"
