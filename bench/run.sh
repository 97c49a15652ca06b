#!/usr/bin/env bash
# Benchmarks the running topology (start it with ./topology start) and prints figures:
#   1. GET /logging and GET /facade time as the map grows (the seed's GET took 37 s at 3,600 messages)
#   2. POST /facade throughput and latency under concurrent load (wrk), then how fast the queue drains
#   3. resident memory of every instance
# Run it on a freshly started topology: the figures depend on the map's size.
# Bounded: each wrk run lasts DURATION seconds (default 20) with CONNECTIONS connections (default 16).
# Needs wrk (Debian: apt-get install wrk).
set -euo pipefail
DURATION="${DURATION:-20}"
CONNECTIONS="${CONNECTIONS:-16}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FACADE=http://127.0.0.1:8080

command -v wrk >/dev/null || { echo "wrk is missing (Debian: apt-get install wrk)" >&2; exit 1; }
curl -sf -o /dev/null "$FACADE/actuator/health/readiness" || { echo "the topology is not running: ./topology start" >&2; exit 1; }

count() { curl -s http://127.0.0.1:8081/logging | grep -o '"uuid"' | wc -l; }
timed_get() { curl -s -o /dev/null -w '%{time_total}' "$1"; }

echo "== machine: $(nproc) cores, $(java -version 2>&1 | head -1)"
echo "== GET time as the map grows (seconds, median of 5); filling the map warms the JVMs up"
printf '%10s %14s %14s\n' messages "GET /logging" "GET /facade"
measure_gets() {
  while (( $(count) < $1 )); do
    wrk -t2 -c"$CONNECTIONS" -d5s -s "$HERE/post-form.lua" "$FACADE/facade" > /dev/null
  done
  logging=$(for i in 1 2 3 4 5; do timed_get http://127.0.0.1:8081/logging; echo; done | sort -n | sed -n 3p)
  facade=$(for i in 1 2 3 4 5; do timed_get "$FACADE/facade"; echo; done | sort -n | sed -n 3p)
  printf '%10s %14s %14s\n' "$(count)" "$logging" "$facade"
}
measure_gets 3600

echo "== POST /facade: ${DURATION}s, $CONNECTIONS connections"
wrk -t2 -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$HERE/post-form.lua" "$FACADE/facade" \
  | grep -E 'Requests/sec|Latency|50%|90%|99%|Non-2xx|Socket errors'

consumed() { echo $(( $(curl -s http://127.0.0.1:8082/messages | grep -o '"uuid"' | wc -l) + $(curl -s http://127.0.0.1:8084/messages | grep -o '"uuid"' | wc -l) )); }
echo "== queue drain after the POSTs (both messages instances, no POSTs meanwhile)"
# The backlog is what was logged and not yet consumed; time until it is gone (at most 60 s).
# No POSTs meanwhile, so the logged count is read once.
logged=$(count); backlog=$(( logged - $(consumed) )); started=$(date +%s.%N)
while (( logged > $(consumed) )) && (( $(date +%s) - ${started%.*} < 60 )); do sleep 0.2; done
took="$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')"
echo "backlog when the POSTs stopped: $backlog messages; $(( logged - $(consumed) )) left after $took s"

echo "== GET time, larger map"
measure_gets 20000

echo "== resident memory (MiB)"
for pidfile in "$HERE"/../.run/*.pid; do
  name="$(basename "$pidfile" .pid)"
  rss_kib="$(awk '/VmRSS/{print $2}' "/proc/$(cat "$pidfile")/status" 2>/dev/null || true)"
  [[ -n "$rss_kib" ]] && rss="$(( rss_kib / 1024 ))" || rss="not running"
  printf '%-15s %6s\n' "$name" "$rss"
done
