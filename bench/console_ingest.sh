#!/usr/bin/env bash
# Ingest with one live console viewer following every event, against none, in
# one run on one server (memory store): wrk -t2 -c64 with bench/webhook_mix.lua.
# Usage: bench/console_ingest.sh [BUILD_DIR] [SECONDS]   (needs tests/console/node_modules)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build} seconds=${2:-10}
log=$(mktemp)
"$build/switchboard" --http_addr=127.0.0.1:0 --grpc_addr=127.0.0.1:0 --admin_addr=127.0.0.1:0 \
  --store=memory --memory_max_events=5000000 2>"$log" & pid=$!
trap 'kill $pid 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 100); do grep -q ' ready$' "$log" && break; sleep 0.1; done
http=$(grep -o 'http gateway listening on [0-9.:]*' "$log" | awk '{print $NF}')
admin=$(grep -o 'admin console listening on [0-9.:]*' "$log" | awk '{print $NF}')
rate() { wrk -t2 -c64 -d"${seconds}s" -s bench/webhook_mix.lua "http://$http/webhooks/justcall" | awk '/Requests\/sec/ {print $2}'; }
without=$(rate)
node bench/console_viewer.js "$admin" >"$log.viewer" & viewer=$!
sleep 1
with=$(rate)
kill -TERM $viewer; wait $viewer || true
echo "ingest without a viewer: $without req/s"
echo "ingest with one viewer following every event: $with req/s (the viewer received $(cat "$log.viewer") events)"
awk -v a="$with" -v b="$without" 'BEGIN {printf "ratio with/without: %.2f\n", a / b}'
rm -f "$log.viewer"
