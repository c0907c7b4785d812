#!/usr/bin/env bash
# Ingest throughput, in-memory store next to the durable store, same load in
# the same run: wrk, 2 threads, 64 keep-alive connections, the nine fixture
# types in rotation with unique request_ids.
# Usage: bench/ingest_compare.sh [SECONDS]   (builds first; needs wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk"; exit 1; }
scripts/build.sh >/dev/null
data=$(mktemp -d); log=$(mktemp); pid=
trap 'kill $pid 2>/dev/null || true; rm -rf "$data" "$log"' EXIT

run() { # name flags...
  local name=$1; shift
  build/switchboard --http_addr=127.0.0.1:0 --grpc_addr=127.0.0.1:0 "$@" 2>"$log" & pid=$!
  for _ in $(seq 100); do grep -q ' ready$' "$log" && break; sleep 0.1; done
  local addr; addr=$(grep -o 'http gateway listening on [0-9.:]*' "$log" | awk '{print $NF}')
  echo "==> $name: wrk -t2 -c64 -d${secs}s" >&2
  local out; out=$(wrk -t2 -c64 -d"${secs}s" -s bench/webhook_mix.lua "http://$addr/webhooks/justcall")
  echo "$out" | grep -E "Requests/sec|Latency|non-2xx" >&2
  kill -TERM $pid; wait $pid || true
  echo "$out" | awk '/Requests\/sec/ {print $2}'
}
mem=$(run "memory store" --store=memory --memory_max_events=2000000 --memory_max_bytes=4000000000)
durable=$(run "rocksdb store (fsync per group commit)" --data_dir="$data")
printf '\n%-40s %12s\n' "store" "requests/s"
printf '%-40s %12.0f\n' "memory" "$mem" "rocksdb (durable, fsync)" "$durable"
awk -v m="$mem" -v d="$durable" 'BEGIN { printf "durable / memory: %.2fx\n", d / m }'
