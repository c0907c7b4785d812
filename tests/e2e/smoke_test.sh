#!/usr/bin/env bash
# Smoke test of the real binary: start on port 0, POST every fixture (flat and
# official), check errors, SIGTERM, exit 0. Usage: smoke_test.sh SWITCHBOARD_BINARY FIXTURES_DIR
set -euo pipefail
bin=$1 fixtures=$2
log=$(mktemp); data=$(mktemp -d); trap 'kill -9 $pid 2>/dev/null || true; rm -rf "$log" "$data"' EXIT
# The default store (RocksDB), in a fresh directory.
"$bin" --http_addr=127.0.0.1:0 --grpc_addr=127.0.0.1:0 --admin_addr=127.0.0.1:0 --data_dir="$data" 2>"$log" & pid=$!
for _ in $(seq 100); do grep -q ' ready$' "$log" && break; sleep 0.1; done
addr=$(grep -o 'http gateway listening on [0-9.:]*' "$log" | awk '{print $NF}')
[[ -n $addr ]] || { cat "$log"; echo "FAIL: no listening line"; exit 1; }
url=http://$addr/webhooks/justcall
post() { curl -s -o /tmp/smoke_body.$$ -w '%{http_code}' -X POST -H "Content-Type: ${2:-application/json}" --data-binary "$1" "$url"; }
fail=0 pass=0
expect() { # name want got
  if [[ $2 == "$3" ]]; then pass=$((pass+1)); else echo "FAIL: $1: want $2, got $3 ($(cat /tmp/smoke_body.$$))"; fail=$((fail+1)); fi
}
seq_want=1
for f in "$fixtures"/*.json "$fixtures"/v2.1/*.json; do
  expect "$(basename "$f")" 200 "$(post @"$f")"
  expect "$(basename "$f") sequence" "$seq_want" "$(grep -o '"sequence":[0-9]*' /tmp/smoke_body.$$ | cut -d: -f2)"
  seq_want=$((seq_want+1))
done
expect "value that does not fit: stored" 200 "$(post '{"event":"call.completed","data":{"duration":"abc"}}')"
expect "duplicate key" 400 "$(post '{"event":"call.completed","data":{"duration":1,"duration":2}}')"
expect "duplicate key path" '"field":"data.duration"' "$(grep -o '"field":"[^"]*"' /tmp/smoke_body.$$)"
expect "malformed json" 400 "$(post '{"event":')"
expect "not json" 415 "$(post 'x=1' application/x-www-form-urlencoded)"
expect "unknown path" 404 "$(curl -s -o /tmp/smoke_body.$$ -w '%{http_code}' http://$addr/nope)"
expect "wrong method" 405 "$(curl -s -o /tmp/smoke_body.$$ -w '%{http_code}' $url)"
expect "healthz" 200 "$(curl -s -o /tmp/smoke_body.$$ -w '%{http_code}' http://$addr/healthz)"
expect "too large" 413 "$(head -c 2000000 /dev/zero | tr '\0' ' ' | curl -s -o /tmp/smoke_body.$$ -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data-binary @- $url)"
kill -TERM $pid
rc=0; wait $pid || rc=$?
expect "exit status after SIGTERM" 0 $rc
rm -f /tmp/smoke_body.$$
echo "$pass passed, $fail failed"
((fail == 0))
