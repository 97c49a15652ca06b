#!/usr/bin/env bash
# The benchmark: one command, one table. Uses the topology running on the seed ports, or starts it (./topology
# start) and leaves it running. Then:
#   1. 200 warm-up POSTs and WARMUP seconds (default 60) of load at 8 clients: the JIT compiles the hot paths
#   2. POST /facade at 8 and at 32 clients, DURATION seconds each (default 20): req/s, p50, p99, errors; meanwhile
#      the queue's depth (peak), and how long it takes to empty once the load stops
#   3. the raw baselines in the same run (bench/Baseline.java): a Hazelcast client doing one map write plus one
#      queue offer per message from 8 threads, and the ratio of the two rates; then the data operations of the
#      whole guaranteed path (the same, consumed by two transacted consumers that record each message), and the
#      CPU per message for it (the six apps and the client), beside the apps' CPU per POST; then the same with the
#      map writes batched the way the services batch them (the batched floor); and the ratios the targets are
#      set in: the POST rate to each floor's, CPU per POST to the floor's, p99 to p50
#   4. GET /logging and GET /facade (median of 3) with 10,000 and 100,000 messages stored (filled through
#      POST /logging, the fast way in), and the peak heap of each app meanwhile; then a walk of the whole
#      /logging list in pages of 1,000, following the Link headers
#   5. each app's start-up time, from its log; when this run started the topology, how long ./topology start took
#      to say ready and the POST rate at 8 clients in the first 20 s after that (measured before the warm-up)
# Bounded: about 8 minutes on 2 cores, plus the start-up when it starts the topology. Needs wrk (installed from
# the Debian packages when missing and run as root) and the JDK's jstat.
set -euo pipefail
WARMUP="${WARMUP:-60}"
DURATION="${DURATION:-20}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
RUN="$ROOT/.run"
WORK="$RUN/bench"
FACADE=http://127.0.0.1:8080
LOGGING=http://127.0.0.1:8081
APPS=(facade-8080 logging-8081 logging-8083 logging-8085 messages-8082 messages-8084)

if ! command -v wrk >/dev/null; then
  [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
  (apt-get install -y -qq wrk || { apt-get update -qq && apt-get install -y -qq wrk; }) >/dev/null
fi
mkdir -p "$WORK"
# A system started a few seconds ago, as a new user meets it: how long ./topology start takes to say ready, then
# POST at 8 clients for the first 20 s after that (before any warm-up). Measured only when this run starts it.
ready_seconds="" first_rate="" first_p99=""
if ! curl -sf -o /dev/null "$FACADE/actuator/health/readiness"; then
  echo "== starting the topology (./topology start); it stays running: ./topology stop"
  start_began=$SECONDS
  "$ROOT/topology" start >/dev/null
  ready_seconds=$((SECONDS - start_began))
  echo "== the first 20 s after ready: POST at 8 clients"
  read -r first_rate first_p99 <<< "$(wrk -t2 -c8 -d20s --latency -s "$HERE/post-form.lua" "$FACADE/facade" \
    | awk '/Requests\/sec/ { rate = $2 } / 99%/ { p99 = $2 } END { printf "%.0f %s", rate, p99 }')"
fi
rm -f "$WORK"/heap-* "$WORK/load-done"

# What bench/Baseline.java runs with, from inside the facade's Spring Boot jar: the Hazelcast client, and the
# project's model and cluster jars (the batched floor writes with the logging instances' entry processor).
rm -rf "$WORK/lib"
unzip -q -j -o "$ROOT"/facade-app/target/facade-app-*.jar 'BOOT-INF/lib/hazelcast-[0-9]*.jar' \
  'BOOT-INF/lib/model-*.jar' 'BOOT-INF/lib/cluster-*.jar' 'BOOT-INF/lib/jackson-annotations-*.jar' -d "$WORK/lib"
baseline() { java -cp "$WORK/lib/*" "$HERE/Baseline.java" "$@" 2>/dev/null | grep -E '^(raw|path|batched|watch) '; }

pid_of() { cat "$RUN/$1.pid"; }
# Used heap in MiB (survivors, eden and old generation, as jstat reports them).
heap_mib() { jstat -gc "$(pid_of "$1")" 2>/dev/null | awk 'NR==2 { printf "%d", ($3 + $4 + $6 + $8) / 1024 }'; }
# Keeps the peak of every app's used heap in $WORK/heap-<label>-<app>.
sample_heaps() {
  local label="$1" app used
  for app in "${APPS[@]}"; do
    used="$(heap_mib "$app")"
    [[ -n "$used" ]] || continue
    [[ -f "$WORK/heap-$label-$app" ]] && (( used <= $(cat "$WORK/heap-$label-$app") )) || echo "$used" > "$WORK/heap-$label-$app"
  done
}
peak_heap() { cat "$WORK/heap-$1-$2" 2>/dev/null || echo "?"; }

# CPU time (user + system, in ms) the six apps have used so far.
cpu_ms() {
  for app in "${APPS[@]}"; do awk '{ print $14 + $15 }' "/proc/$(pid_of "$app")/stat"; done \
    | awk -v hz="$(getconf CLK_TCK)" '{ ticks += $1 } END { printf "%d", ticks * 1000 / hz }'
}

# POST /facade from $1 clients for $2 seconds; prints "req/s p50 p99 errors peak-depth drain-seconds
# cpu-ms-per-POST" (the CPU of the six apps over the load, per POST answered).
post_load() {
  local clients="$1" seconds="$2" out watch cpu_before cpu_after
  rm -f "$WORK/load-done"
  baseline watch "$WORK/load-done" > "$WORK/watch" &
  watch=$!
  sleep 3 # the watcher's start (compiling it, joining as a client) is not part of the load
  cpu_before="$(cpu_ms)"
  out="$(wrk -t2 -c"$clients" -d"${seconds}s" --latency -s "$HERE/post-form.lua" "$FACADE/facade")"
  cpu_after="$(cpu_ms)"
  touch "$WORK/load-done"
  wait "$watch" || true
  echo "$out" | awk -v watch="$(cat "$WORK/watch")" -v cpu=$((cpu_after - cpu_before)) -v seconds="$seconds" '
    /Requests\/sec/ { rate = $2 }
    / 50%/ { p50 = $2 } / 99%/ { p99 = $2 }
    /Non-2xx/ { errors += $5 } /Socket errors/ { errors += $4 + $6 + $8 + $10 }
    END { split(watch, w, " "); printf "%.0f %s %s %d %s %s %.2f\n", rate, p50, p99, errors, w[2], w[3],
          cpu / (rate * seconds) }' | tr -d ','
}

count_logged() { curl -s "$LOGGING/logging" | grep -o '"uuid"' | wc -l; }
fill_to() {
  while (( $(count_logged) < $1 )); do
    wrk -t2 -c16 -d5s -s "$HERE/post-logging.lua" "$LOGGING/logging" > /dev/null
  done
}
# Walks GET /logging in pages of 1,000 by their Link headers: "pages seconds-in-all slowest-page-seconds", the
# seconds as curl timed each page (not this loop's own processes).
walk_pages() {
  local url="$LOGGING/logging?limit=1000" times=""
  while [[ -n "$url" ]]; do
    times+="$(curl -s -o /dev/null -D "$WORK/page-headers" -w '%{time_total}' "$url") "
    url=$(sed -n 's/^link: <\([^>]*\)>; rel="next".*/\1/Ip' "$WORK/page-headers" | tr -d '\r')
    [[ -z "$url" ]] || url="$LOGGING$url"
  done
  tr ' ' '\n' <<< "$times" | awk 'NF { n++; sum += $1; if ($1 > max) max = $1 } END { printf "%d %.1f %.2f", n, sum, max }'
}
median_get() { for _ in 1 2 3; do curl -s -o /dev/null -w '%{time_total}\n' "$1"; done | sort -n | sed -n 2p; }

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%d GiB", $2 / 1048576 }' /proc/meminfo), $(java -version 2>&1 | head -n 1)"
echo "== warm-up: 200 POSTs, then ${WARMUP}s at 8 clients"
for i in $(seq 200); do curl -s -o /dev/null -X POST "$FACADE/facade" -d "msg=warm-up+$i"; done
wrk -t2 -c8 -d"${WARMUP}s" -s "$HERE/post-form.lua" "$FACADE/facade" > /dev/null
sleep 2

echo "== POST /facade, ${DURATION}s each"
read -r rate8 p50_8 p99_8 errors8 peak8 drain8 cpu8 <<< "$(post_load 8 "$DURATION")"
sleep 2
read -r rate32 p50_32 p99_32 errors32 peak32 drain32 _ <<< "$(post_load 32 "$DURATION")"
read -r _ _ raw_rate raw_p50 raw_p99 raw_refused <<< "$(baseline raw 8 5)"
# The path's CPU per message counts the six apps' CPU too.
app_pids="$(for app in "${APPS[@]}"; do pid_of "$app"; done)"
read -r _ _ path_rate path_p50 path_p99 _ path_cpu <<< "$(BENCH_PIDS="$app_pids" baseline path 8 10)"
read -r _ _ batched_rate batched_p50 batched_p99 _ batched_cpu <<< "$(BENCH_PIDS="$app_pids" baseline batched 8 10)"

echo "== GET with 10,000 and 100,000 messages stored (filling the map through POST /logging)"
gets=()
for size in 10000 100000; do
  fill_to "$size"
  while true; do sample_heaps "$size"; sleep 0.5; done &
  sampler=$!
  gets+=("$(count_logged) $(median_get "$LOGGING/logging") $(median_get "$FACADE/facade")")
  kill "$sampler"; wait "$sampler" 2>/dev/null || true
  sample_heaps "$size"
done
read -r walked_pages walk_seconds walk_slowest <<< "$(walk_pages)"

started() { grep -h -o 'Started [A-Za-z]*Application in [0-9.]* seconds' "$RUN/logs/$1.log" | tail -n 1 | awk '{ print $4 }'; }

echo
printf '| %-34s | %-62s |\n' "what" "figure"
printf '| %-34s | %-62s |\n' "---" "---"
printf '| %-34s | %-62s |\n' "POST /facade, 8 clients" "$rate8 req/s, p50 $p50_8, p99 $p99_8, $errors8 errors"
printf '| %-34s | %-62s |\n' "POST /facade, 32 clients" "$rate32 req/s, p50 $p50_32, p99 $p99_32, $errors32 errors"
printf '| %-34s | %-62s |\n' "queue: peak depth, empty after" "8 clients: $peak8, ${drain8}s; 32 clients: $peak32, ${drain32}s"
printf '| %-34s | %-62s |\n' "raw map write + queue offer, 8 thr" "$raw_rate pairs/s, p50 ${raw_p50}ms, p99 ${raw_p99}ms"
printf '| %-34s | %-62s |\n' "raw / POST at 8 clients" "$(awk -v r="$raw_rate" -v p="$rate8" 'BEGIN { printf "%.0fx", r / p }')"
printf '| %-34s | %-62s |\n' "data operations of a POST, 8 thr" "$path_rate msg/s consumed, p50 ${path_p50}ms, p99 ${path_p99}ms"
printf '| %-34s | %-62s |\n' "the same, map writes batched, 8 thr" "$batched_rate msg/s consumed, p50 ${batched_p50}ms, p99 ${batched_p99}ms"
printf '| %-34s | %-62s |\n' "CPU per message" "POST at 8 clients ${cpu8} ms (the apps); data operations ${path_cpu} ms, batched ${batched_cpu} ms (and the client)"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
# wrk's latencies (850.00us, 14.60ms, 1.02s) in ms.
ms() { awk -v t="$1" 'BEGIN { f = t + 0; if (t ~ /us$/) f /= 1000; else if (t !~ /ms$/) f *= 1000; print f }'; }
printf '| %-34s | %-62s |\n' "POST rate / unbatched floor" "8 clients $(ratio "$rate8" "$path_rate"), 32 clients $(ratio "$rate32" "$path_rate")"
printf '| %-34s | %-62s |\n' "POST rate / batched floor" "8 clients $(ratio "$rate8" "$batched_rate"), 32 clients $(ratio "$rate32" "$batched_rate")"
printf '| %-34s | %-62s |\n' "CPU per POST / floor's per message" "unbatched $(ratio "$cpu8" "$path_cpu"), batched $(ratio "$cpu8" "$batched_cpu")"
printf '| %-34s | %-62s |\n' "p99 / p50" "8 clients $(ratio "$(ms "$p99_8")" "$(ms "$p50_8")"), 32 clients $(ratio "$(ms "$p99_32")" "$(ms "$p50_32")")"
for row in "${gets[@]}"; do
  read -r stored logging facade <<< "$row"
  printf '| %-34s | %-62s |\n' "GET, $stored messages" "/logging ${logging}s, /facade ${facade}s"
done
printf '| %-34s | %-62s |\n' "walk /logging, pages of 1,000" "$walked_pages pages, ${walk_seconds}s in all, the slowest ${walk_slowest}s"
for size in 10000 100000; do
  heaps=""
  for app in "${APPS[@]}"; do heaps+="${app%%-*} $(peak_heap "$size" "$app"), "; done
  printf '| %-34s | %-62s |\n' "peak heap MiB at $size" "${heaps%, }"
done
for app in "${APPS[@]}"; do
  printf '| %-34s | %-62s |\n' "start-up $app" "$(started "$app") s"
done
if [[ -n "$ready_seconds" ]]; then
  printf '| %-34s | %-62s |\n' "./topology start until ready" "${ready_seconds} s"
  printf '| %-34s | %-62s |\n' "first 20 s after ready, 8 clients" \
    "$first_rate req/s, p99 $first_p99; $(ratio "$first_rate" "$rate8") of the warmed rate"
else
  printf '| %-34s | %-62s |\n' "first 20 s after ready" "not measured: the topology was running (./topology stop first)"
fi
