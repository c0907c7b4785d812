# Shared by the client and buf test scripts: repository paths, the buf CLI,
# and starting the real switchboard binary on loopback. Source it.
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
buf=$root/tools/node_modules/.bin/buf

fail() { echo "FAIL: $*" >&2; exit 1; }

need_buf() {
  [[ -x $buf ]] || fail "buf CLI missing at $buf: run scripts/install_deps.sh (installs tools/package.json)"
}

# start_switchboard BINARY: starts it with --store=memory on port 0 and sets
# sb_pid, sb_log, grpc_addr, http_addr. The caller's EXIT trap must call stop_switchboard.
start_switchboard() {
  sb_log=$(mktemp)
  "$1" --http_addr=127.0.0.1:0 --grpc_addr=127.0.0.1:0 --admin_addr=127.0.0.1:0 --store=memory 2>"$sb_log" &
  sb_pid=$!
  for _ in $(seq 100); do grep -q ' ready$' "$sb_log" && break; sleep 0.1; done
  grpc_addr=$(grep -o 'grpc server listening on [0-9.:]*' "$sb_log" | awk '{print $NF}')
  http_addr=$(grep -o 'http gateway listening on [0-9.:]*' "$sb_log" | awk '{print $NF}')
  [[ -n $grpc_addr && -n $http_addr ]] || { cat "$sb_log" >&2; fail "switchboard did not start"; }
}

# stop_switchboard: SIGTERM, then SIGKILL after 5 s.
stop_switchboard() {
  if [[ -n ${sb_pid:-} ]] && kill "$sb_pid" 2>/dev/null; then
    for _ in $(seq 50); do kill -0 "$sb_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$sb_pid" 2>/dev/null || true
    wait "$sb_pid" 2>/dev/null || true
  fi
  [[ -n ${sb_log:-} ]] && rm -f "$sb_log"
  return 0
}

# post FILE: POSTs a webhook file to the running switchboard; prints the answer.
post() {
  curl -sS --fail-with-body --max-time 10 -X POST -H 'Content-Type: application/json' \
    --data-binary @"$1" "http://$http_addr/webhooks/justcall"
}
