#!/usr/bin/env bash
# What the rule packs cost on the ingest path (issue 6): a small simulated city (6 simulated hours of a weekday
# morning, ~182,000 device messages over HTTP) sent at full speed into a fresh node, with the rules engine enabled
# (all six packs) and disabled, alternately, RUNS times each. Prints per run the simulator's wall time and the node's
# CPU time (utime + stime from /proc, in seconds), which a shared machine inflates less than wall time.
# Usage: scripts/rules-ingest-cost.sh [RUNS]   (needs citytwin-app/target/citytwin.jar, curl, Linux /proc)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
J="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
JAR="$here/citytwin-app/target/citytwin.jar"
runs="${1:-2}"
hz=$(getconf CLK_TCK)
for run in $(seq 1 "$runs"); do
  for mode in true false; do
    d=$(mktemp -d /tmp/citytwin-rules-cost-XXXX)
    port=$((18200 + RANDOM % 500))
    printf 'rules:\n  enabled: %s\n' "$mode" > "$d/c.yaml"
    "$J" -Xmx2g -jar "$JAR" serve --port "$port" --mqtt-port 0 --data-dir "$d/node" --config "$d/c.yaml" \
      > "$d/node.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/ngsi-ld/v1/types" >/dev/null 2>&1 && break; sleep 1; done
    cpu0=$(awk '{print $14+$15}' "/proc/$pid/stat")
    t0=$(date +%s.%N)
    "$J" -Xmx1g -jar "$JAR" simulate --target "http://127.0.0.1:$port" --size small --speed 0 --seed 21 \
      --from 2026-11-20T06:00:00Z --to 2026-11-20T12:00:00Z --ground-truth "$d/gt.jsonl" > "$d/sim.log" 2>&1
    t1=$(date +%s.%N)
    sleep 8 # let the consumers (history, rules, KPIs) drain
    cpu1=$(awk '{print $14+$15}' "/proc/$pid/stat")
    kill "$pid"; wait "$pid" 2>/dev/null || true
    msgs=$(grep -o 'Done: [0-9]* messages' "$d/sim.log" | grep -o '[0-9]*' || echo "?")
    printf 'run %d rules=%-5s messages %s  wall %.1f s  node CPU %.1f s  load %s\n' "$run" "$mode" "$msgs" \
      "$(echo "$t1 - $t0" | bc)" "$(echo "($cpu1 - $cpu0) / $hz" | bc -l)" "$(cut -d' ' -f1 /proc/loadavg)"
    rm -rf "$d"
  done
done
