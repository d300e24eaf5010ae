#!/usr/bin/env bash
# The rules' accuracy on the default simulated week (issue 6, docs/rules.md): a fresh node with the per-device MQTT
# limits raised (a full-speed replay), the small simulated city over MQTT from 2026-11-02 to 2026-11-09 as fast as
# the node takes it (~5 million messages, ~7 min on 2 cores), then `citytwin evaluate` with right-censoring.
# Run it on an otherwise idle machine: at this speed an hour of event time passes in a few wall seconds, and a
# starved ingest lane looks like an hour of silence (docs/rules.md).
# Usage: scripts/week-eval.sh [OUTDIR]   (default /tmp/citytwin-week; needs citytwin-app/target/citytwin.jar, curl)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
J="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
JAR="$here/citytwin-app/target/citytwin.jar"
out="${1:-/tmp/citytwin-week}"
http=$((18600 + RANDOM % 300)); mqtt=$((11600 + RANDOM % 300))
rm -rf "$out"; mkdir -p "$out"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
printf 'mqtt:\n  messagesPerSecond: 1000000\n  burst: 1000000\n' > "$out/config.yaml"
"$J" -Xmx4g -jar "$JAR" serve --config "$out/config.yaml" --data-dir "$out/data" --port "$http" --mqtt-port "$mqtt" \
  > "$out/node.log" 2>&1 &
node=$!
trap 'kill $node 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$http/health" >/dev/null 2>&1 && break; sleep 1; done
start=$(date +%s)
"$J" -Xmx2g -jar "$JAR" simulate --target "mqtt://127.0.0.1:$mqtt" --api "http://127.0.0.1:$http" --size small \
  --speed 0 --from 2026-11-02T00:00:00Z --to 2026-11-09T00:00:00Z --ground-truth "$out/ground-truth.jsonl" \
  > "$out/sim.log" 2>&1
echo "simulated week sent in $(( $(date +%s) - start )) s: $(tail -1 "$out/sim.log")"
sleep 20 # the consumers drain, the last ticks run
"$J" -jar "$JAR" evaluate --ground-truth "$out/ground-truth.jsonl" --alarms "http://127.0.0.1:$http" \
  --until 2026-11-09T00:00:00Z | tee "$out/eval.txt"
