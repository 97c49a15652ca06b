#!/usr/bin/env bash
# Consumption under load on the running topology (./topology start), on warm JVMs: 30 s of POSTs from
# CONNECTIONS connections to warm up, then 30 s measured; prints POST throughput and tail latency, and how many
# messages per second the messages instances consumed meanwhile (equal to the POST rate when they keep up).
set -euo pipefail
CONNECTIONS="${CONNECTIONS:-8}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FACADE=http://127.0.0.1:8080

command -v wrk >/dev/null || { echo "wrk is missing (Debian: apt-get install wrk)" >&2; exit 1; }
curl -sf -o /dev/null "$FACADE/actuator/health/readiness" || { echo "the topology is not running: ./topology start" >&2; exit 1; }

consumed() {
  echo $(( $(curl -s http://127.0.0.1:8082/messages | grep -o '"uuid"' | wc -l)
         + $(curl -s http://127.0.0.1:8084/messages | grep -o '"uuid"' | wc -l) ))
}
wrk -t2 -c"$CONNECTIONS" -d30s -s "$HERE/post-form.lua" "$FACADE/facade" > /dev/null
before=$(consumed)
wrk -t2 -c"$CONNECTIONS" -d30s --latency -s "$HERE/post-form.lua" "$FACADE/facade" | grep -E 'Requests/sec|99%|Non-2xx'
echo "consumed while loaded: $(( ($(consumed) - before) / 30 )) msg/s"
