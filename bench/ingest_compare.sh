#!/usr/bin/env bash
# The three event stores side by side, same load, same run: ingest throughput
# (wrk, 2 threads, 64 keep-alive connections, the nine fixture types in
# rotation with unique request_ids) and POST -> subscriber latency
# (build/e2e_latency, one webhook at a time) for the in-memory store, the
# durable RocksDB store and NATS JetStream (one local nats-server); then
# replay: REPLAY events stored in a fresh store of each kind, read three times
# from the oldest by one subscriber (build/bench_load --mode=replay
# --replays=3; the table shows each pass, and the median as a ratio to memory's).
# Usage: bench/ingest_compare.sh [SECONDS [REPLAY]]   (builds first; needs wrk,
# nats-server; REPLAY defaults to 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
replay_count=${2:-100000}
for tool in wrk nats-server; do
  command -v $tool >/dev/null || { echo "$tool is missing: apt-get install $tool"; exit 1; }
done
scripts/build.sh >/dev/null
work=$(mktemp -d); pid=; nats=
trap 'kill $pid $nats 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

nats_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
nats-server -js -sd "$work/nats" -a 127.0.0.1 -p "$nats_port" >"$work/nats.log" 2>&1 & nats=$!

run() { # name flags... ; prints "requests/s p50 p99"
  local name=$1; shift
  build/switchboard --http_addr=127.0.0.1:0 --grpc_addr=127.0.0.1:0 --admin_addr=127.0.0.1:0 "$@" 2>"$work/log" & pid=$!
  for _ in $(seq 100); do grep -q ' ready$' "$work/log" && break; sleep 0.1; done
  local http grpc
  http=$(grep -o 'http gateway listening on [0-9.:]*' "$work/log" | awk '{print $NF}')
  grpc=$(grep -o 'grpc server listening on [0-9.:]*' "$work/log" | awk '{print $NF}')
  [[ -n $http ]] || { cat "$work/log" >&2; exit 1; }
  echo "==> $name: wrk -t2 -c64 -d${secs}s, then e2e_latency --count=2000" >&2
  local out lat
  out=$(wrk -t2 -c64 -d"${secs}s" -s bench/webhook_mix.lua "http://$http/webhooks/justcall")
  echo "$out" | grep -E "Requests/sec|non-2xx" >&2
  lat=$(build/e2e_latency --http="$http" --grpc="$grpc" --count=2000 | tail -1)
  echo "   $lat" >&2
  kill -TERM $pid; wait $pid || true; pid=
  echo "$(echo "$out" | awk '/Requests\/sec/ {print $2}') $(echo "$lat" | awk '{print $2, $8}')"
}
read -r mem_rps mem_p50 mem_p99 < <(run "memory store" --store=memory \
  --memory_max_events=2000000 --memory_max_bytes=4000000000)
read -r rdb_rps rdb_p50 rdb_p99 < <(run "rocksdb store (fsync per group commit)" \
  --data_dir="$work/data")
read -r js_rps js_p50 js_p99 < <(run "jetstream store (one nats-server)" --store=jetstream \
  --nats_url="nats://127.0.0.1:$nats_port")

printf '\n%-34s %12s %14s %10s %10s\n' store "webhooks/s" "vs memory" "p50 us" "p99 us"
for row in "memory $mem_rps $mem_p50 $mem_p99" "rocksdb(durable,fsync) $rdb_rps $rdb_p50 $rdb_p99" \
           "jetstream(1-node) $js_rps $js_p50 $js_p99"; do
  set -- $row
  awk -v n="$1" -v r="$2" -v m="$mem_rps" -v a="$3" -v b="$4" \
    'BEGIN { printf "%-34s %12.0f %13.2fx %10s %10s\n", n, r, r / m, a, b }'
done

# Replay: a fresh store of each kind, REPLAY events, three passes from the oldest.
replay() { # name flags... ; prints "median pass1,pass2,pass3" (events/s)
  local name=$1; shift
  build/switchboard --http_addr=127.0.0.1:0 --grpc_addr=127.0.0.1:0 "$@" 2>"$work/log" & pid=$!
  for _ in $(seq 100); do grep -q ' ready$' "$work/log" && break; sleep 0.1; done
  local http grpc out
  http=$(grep -o 'http gateway listening on [0-9.:]*' "$work/log" | awk '{print $NF}')
  grpc=$(grep -o 'grpc server listening on [0-9.:]*' "$work/log" | awk '{print $NF}')
  echo "==> replay, $name: store $replay_count webhooks, read them 3 times from the oldest" >&2
  out=$(build/bench_load --mode=replay --http="$http" --grpc="$grpc" \
    --fixtures=tests/fixtures/justcall --count="$replay_count" --connections=32 --replays=3)
  echo "   $out" >&2
  kill -TERM $pid; wait $pid || true; pid=
  local passes
  passes=$(echo "$out" | grep -o '"passes_events_per_s":\[[0-9,]*\]' | tr -d '[]a-z_":')
  echo "$(tr , '\n' <<<"$passes" | sort -n | sed -n 2p) $passes"
}
read -r mem_replay mem_passes < <(replay "memory store" --store=memory \
  --memory_max_events=2000000 --memory_max_bytes=4000000000)
read -r rdb_replay rdb_passes < <(replay "rocksdb store" --data_dir="$work/replay-data" --nosync)
read -r js_replay js_passes < <(replay "jetstream store" --store=jetstream \
  --nats_url="nats://127.0.0.1:$nats_port" --nats_stream=REPLAY --nats_subject_prefix=replay.events)

printf '\n%-34s %14s %10s   %s\n' "replay ($replay_count events)" "median ev/s" "vs memory" \
  "passes (events/s)"
for row in "memory $mem_replay $mem_passes" "rocksdb $rdb_replay $rdb_passes" \
           "jetstream(1-node) $js_replay $js_passes"; do
  set -- $row
  awk -v n="$1" -v r="$2" -v m="$mem_replay" -v p="$3" \
    'BEGIN { printf "%-34s %14.0f %9.2fx   %s\n", n, r, r / m, p }'
done
