#!/usr/bin/env bash
# The benchmark suite, one command. Builds in Release (build-release/), starts
# a baseline HTTP server and the real switchboard itself (port 0), and runs:
#   1. ingest throughput: wrk -t2 -c64 with bench/webhook_mix.lua (the nine
#      flat fixture types, unique request_ids) against the baseline
#      (bench/baseline_server.cc: Beast, one io thread, 200 to any POST), the
#      in-memory store and the durable store, each as a ratio to the baseline
#      measured in this run; then both stores again with JustCall's official
#      v2.1 samples (MIX=official: 23 types, nested objects, larger bodies);
#   2. POST -> subscriber latency p50/p99/p99.9 at fixed offered rates with
#      1, 10 (and 100) subscribers, both stores (bench/bench_load --mode=latency);
#   3. fan-out: N subscribers with mixed filters, events delivered/s in total,
#      per-subscriber rates (median, minimum) and server RSS per subscriber;
#      then, on the same server, fresh N plus one deliberately slow subscriber
#      (filter "*", reads at most 100 events/s): the same figures, the slow
#      one's count and how it ended; the ratio of the normal subscribers'
#      median rates, with / without, is the slow subscriber's cost to them
#      (--mode=fanout --slow_subscribers=1, memory store);
#   4. replay: one subscriber reading K stored events from the oldest
#      (--mode=replay, durable store);
#   5. consumer groups and catch-up, each store (JetStream when nats-server
#      is installed): a backlog of G events read
#      from the oldest by one plain Subscribe, then drained by a group of 1, 3
#      and 10 members (events acked/s); server RSS per idle member
#      (--mode=group).
# Prints a table; writes bench/results.json and docs/BENCHMARKS.md (plus
# bench/latency.png, the latency distribution, when gnuplot is installed).
#
# Usage: bench/run.sh [--quick] [--no-report] [--build-dir DIR]
#   --quick       short runs and small N/K (well under a minute)
#   --no-report   write nothing into the tree (results go to a temporary folder)
#   --build-dir   use the binaries already built in DIR instead of building
#                 build-release/ (the ctest smoke test passes build/)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
quick=0 report=1 build_dir=
while [[ $# -gt 0 ]]; do
  case $1 in
    --quick) quick=1 ;;
    --no-report) report=0 ;;
    --build-dir) build_dir=$2; shift ;;
    --build-dir=*) build_dir=${1#*=} ;;
    -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

# Exit 77 (ctest: skipped) when wrk is missing.
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 77; }

if [[ -z $build_dir ]]; then
  build_dir=build-release
  gen=(); command -v ninja >/dev/null && gen=(-G Ninja)
  [[ -f $build_dir/CMakeCache.txt ]] || gen_args=("${gen[@]}")
  echo "==> building switchboard, baseline_server, bench_load in Release ($build_dir/)" >&2
  cmake -S . -B "$build_dir" ${gen_args[@]+"${gen_args[@]}"} -DCMAKE_BUILD_TYPE=Release \
    -DSWITCHBOARD_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build_dir" -j"$(nproc)" --target switchboard baseline_server bench_load >/dev/null
fi
build_dir=$(cd "$build_dir" && pwd)
for bin in switchboard baseline_server bench_load; do
  [[ -x $build_dir/$bin ]] || { echo "$build_dir/$bin is missing: build it first" >&2; exit 1; }
done

if ((quick)); then
  wrk_secs=3 lat_secs=2 rates="2000" sub_counts="1 10" fan_subs=50 fan_count=2000 replay_count=20000
  group_count=20000
else
  wrk_secs=10 lat_secs=5 rates="2000 10000" sub_counts="1 10 100" fan_subs=1000 fan_count=20000
  replay_count=1000000 group_count=1000000
fi
fan_slow=1 slow_rate=100  # scenario 3's deliberately slow subscriber(s), events/s each

work=$(mktemp -d)
pid=
cleanup() {
  if [[ -n $pid ]]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [[ -n ${nats_pid:-} ]]; then kill -TERM "$nats_pid" 2>/dev/null || true; wait "$nats_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
results=$work/results.jsonl
: >"$results"

# start NAME COMMAND... : starts a server, sets pid, http, grpc.
start() {
  local name=$1; shift
  "$@" 2>"$work/$name.log" & pid=$!
  http= grpc=
  for _ in $(seq 200); do
    if [[ $name == baseline ]]; then
      http=$(grep -o 'baseline listening on [0-9.:]*' "$work/$name.log" | awk '{print $NF}' || true)
      [[ -n $http ]] && break
    else
      grep -q ' ready$' "$work/$name.log" && break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  if [[ $name != baseline ]]; then
    http=$(grep -o 'http gateway listening on [0-9.:]*' "$work/$name.log" | awk '{print $NF}' || true)
    grpc=$(grep -o 'grpc server listening on [0-9.:]*' "$work/$name.log" | awk '{print $NF}' || true)
  fi
  if [[ -z $http ]]; then
    echo "$name did not start:" >&2; cat "$work/$name.log" >&2; exit 1
  fi
}
stop() { kill -TERM "$pid"; wait "$pid" || true; pid=; }

memory_flags=(--store=memory --memory_max_events=2000000 --memory_max_bytes=1073741824)
durable_flags() { echo "--store=rocksdb --data_dir=$work/data-$1"; }  # fsync per group commit (default)
# Replay loads its events with --nosync (loading is not what it measures; the
# reads come from RocksDB either way).
common_flags=(--http_addr=127.0.0.1:0 --grpc_addr=127.0.0.1:0 --admin_addr=127.0.0.1:0 --max_subscribers_per_token=100000)

cpu_ticks() { awk '{print $14, $15}' "/proc/$pid/stat"; }  # user, kernel (clock ticks)

ingest() { # NAME [MIX] : wrk against $http, appends a result line
  local name=$1 mix=${2:-flat} out rps non2xx requests before after
  echo "==> 1. ingest, $name: MIX=$mix wrk -t2 -c64 -d${wrk_secs}s -s bench/webhook_mix.lua" >&2
  before=$(cpu_ticks)
  out=$(MIX=$mix wrk -t2 -c64 -d"${wrk_secs}s" -s bench/webhook_mix.lua "http://$http/webhooks/justcall")
  after=$(cpu_ticks)
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  non2xx=$(awk '/^non-2xx:/ {gsub(",", "", $2); print $2}' <<<"$out")
  [[ -n $rps && -n $requests ]] || { echo "$out" >&2; exit 1; }
  # The server's CPU time per request, user and kernel, in microseconds.
  read -r cpu_user cpu_kernel < <(echo "$before $after $(getconf CLK_TCK) $requests" |
    awk '{printf "%.2f %.2f\n", ($3-$1)*1e6/$5/$6, ($4-$2)*1e6/$5/$6}')
  echo "    $rps requests/s, non-2xx: ${non2xx:-?}; server CPU per request: $cpu_user µs user," \
    "$cpu_kernel µs kernel" >&2
  printf '{"scenario":"ingest","label":"%s","requests_per_s":%s,"non_2xx":%s,"seconds":%s,%s}\n' \
    "$name" "$rps" "${non2xx:-0}" "$wrk_secs" \
    "\"cpu_user_us_per_request\":$cpu_user,\"cpu_kernel_us_per_request\":$cpu_kernel" >>"$results"
}

load() { # bench_load flags... : appends its JSON line
  local out
  out=$("$build_dir/bench_load" --http="$http" --grpc="$grpc" --fixtures="$root/tests/fixtures/justcall" "$@") ||
    echo "    warning: bench_load $* reported missing events or errors (see its figures)" >&2
  [[ $out == "{"* ]] || { echo "bench_load $* produced no figures" >&2; exit 1; }
  echo "    $out" >&2
  echo "$out" >>"$results"
}

# Scenario 1: the three servers one after the other, same load; then the two
# stores with the official samples (the baseline answers any body alike).
start baseline "$build_dir/baseline_server" --addr=127.0.0.1:0
ingest baseline; stop
start memory "$build_dir/switchboard" "${common_flags[@]}" "${memory_flags[@]}"
ingest memory; stop
start durable "$build_dir/switchboard" "${common_flags[@]}" $(durable_flags 1)
ingest durable; stop
start memory "$build_dir/switchboard" "${common_flags[@]}" "${memory_flags[@]}"
ingest memory-official official; stop
start durable "$build_dir/switchboard" "${common_flags[@]}" $(durable_flags 4)
ingest durable-official official; stop

# Scenario 2: each store fresh, every rate and subscriber count.
for store in memory durable; do
  if [[ $store == memory ]]; then
    start memory "$build_dir/switchboard" "${common_flags[@]}" "${memory_flags[@]}"
  else
    start durable "$build_dir/switchboard" "${common_flags[@]}" $(durable_flags 2)
  fi
  for rate in $rates; do
    for subs in $sub_counts; do
      echo "==> 2. latency, $store store: $rate webhooks/s for ${lat_secs}s, $subs subscribers" >&2
      load --mode=latency --label="$store" --rate="$rate" --seconds="$lat_secs" \
        --subscribers="$subs" --connections=8 --dump_latencies="$work/lat-$store-$rate-$subs.txt"
    done
  done
  stop
done

# Scenario 3: fan-out on a fresh memory store, without then with slow subscribers.
start memory "$build_dir/switchboard" "${common_flags[@]}" "${memory_flags[@]}"
echo "==> 3. fan-out: $fan_subs subscribers (mixed filters), $fan_count webhooks; then fresh" \
  "$fan_subs plus $fan_slow slow (reading <= $slow_rate events/s), $fan_count webhooks" >&2
load --mode=fanout --label=memory --subscribers="$fan_subs" --count="$fan_count" \
  --connections=8 --server_pid="$pid" --slow_subscribers="$fan_slow" --slow_rate="$slow_rate"
stop

# Scenario 4: replay from a fresh durable store.
start durable "$build_dir/switchboard" "${common_flags[@]}" $(durable_flags 3) --nosync
echo "==> 4. replay: store $replay_count webhooks (--nosync), then read them from the oldest" >&2
load --mode=replay --label=durable --count="$replay_count" --connections=32
stop

# Scenario 5: consumer groups on each store, fresh, loaded like scenario 4;
# JetStream too (one local nats-server, file storage) when nats-server is
# installed (scripts/install_deps.sh --tests installs it).
group_stores="memory durable"
nats_pid=
if command -v nats-server >/dev/null; then
  group_stores+=" jetstream"
else
  echo "==> 5. nats-server is not installed: the JetStream store is left out of scenario 5" >&2
fi
for store in $group_stores; do
  if [[ $store == memory ]]; then
    # Room for the whole backlog: the replay must not meet retention.
    start memory "$build_dir/switchboard" "${common_flags[@]}" "${memory_flags[@]}" \
      --memory_max_bytes=8589934592
  elif [[ $store == durable ]]; then
    start durable "$build_dir/switchboard" "${common_flags[@]}" $(durable_flags 5) --nosync
  else
    nats_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    nats-server -js -sd "$work/nats" -a 127.0.0.1 -p "$nats_port" >"$work/nats.log" 2>&1 &
    nats_pid=$!
    for _ in $(seq 100); do grep -q "Server is ready" "$work/nats.log" && break; sleep 0.05; done
    start jetstream "$build_dir/switchboard" "${common_flags[@]}" --store=jetstream \
      --nats_url="nats://127.0.0.1:$nats_port"
  fi
  echo "==> 5. groups, $store store: store $group_count webhooks; one Subscribe from the oldest," \
    "then groups of 1, 3 and 10 members drain them" >&2
  load --mode=group --label="$store" --count="$group_count" --members=1,3,10 --connections=32 \
    --server_pid="$pid" ${nats_pid:+--broker_pid="$nats_pid"}
  stop
  if [[ -n $nats_pid ]]; then kill -TERM "$nats_pid"; wait "$nats_pid" || true; nats_pid=; fi
done

# Table, JSON, report.
if ((report)); then out_json=$root/bench/results.json out_md=$root/docs/BENCHMARKS.md
else out_json=$work/results.json out_md=; fi
plot=
if ((report)) && command -v gnuplot >/dev/null; then
  plot=$root/bench/latency.png
  set -- "$work"/lat-*-2000-10.txt
  if [[ -f $1 ]]; then
    gnuplot <<EOF || plot=
set terminal png size 900,500
set output "$plot"
set title "POST -> subscriber latency, 2000 webhooks/s, 10 subscribers (bench/run.sh)"
set xlabel "percentile"
set ylabel "microseconds"
set logscale xy
set xtics ("p50" 2, "p90" 10, "p99" 100, "p99.9" 1000, "max" 10000)
set key top left
set grid
plot "$work/lat-memory-2000-10.txt" using (1/(1.0001-\$1)):2 with lines title "memory store", \
     "$work/lat-durable-2000-10.txt" using (1/(1.0001-\$1)):2 with lines title "durable store"
EOF
  else plot=; fi
fi
python3 "$root/bench/report.py" --results="$results" --json="$out_json" --markdown="$out_md" \
  --plot="$plot" --quick="$quick" --command="bench/run.sh $( ((quick)) && echo --quick)"
