#!/usr/bin/env bash
# The README's "Debugging" commands with the buf CLI, against the real server
# through server reflection: list methods, describe Event, health check, and a
# filtered Subscribe that prints a posted SMS as protobuf JSON.
# Usage: buf_curl_test.sh SWITCHBOARD_BINARY FIXTURES_DIR
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need_buf
fixtures=$2
tmp=$(mktemp -d)
stream_pid=
trap '[[ -n $stream_pid ]] && kill $stream_pid 2>/dev/null; stop_switchboard; rm -rf "$tmp"' EXIT
start_switchboard "$1"
bcurl() { "$buf" curl --protocol grpc --http2-prior-knowledge "$@"; }

methods=$(bcurl --list-methods "http://$grpc_addr")
for m in switchboard.v1.EventStream/Subscribe grpc.health.v1.Health/Check; do
  grep -qx "$m" <<<"$methods" || fail "--list-methods lacks $m: $methods"
done

"$buf" build "$root/proto" --path "$root/proto/switchboard/v1/event.proto" --exclude-imports \
  --exclude-source-info -o '-#format=txtpb' >"$tmp/describe"
grep -q 'name: "Event"' "$tmp/describe" && grep -q 'json_name: "occurredAt"' "$tmp/describe" ||
  fail "describing switchboard.v1.Event: $(head -20 "$tmp/describe")"

health=$(bcurl "http://$grpc_addr/grpc.health.v1.Health/Check")
grep -q '"status": "SERVING"' <<<"$health" || fail "health check: $health"

# A live tail only sees events stored after it subscribed, and the server
# keeps one event per distinct webhook: post fresh SMS variants until one shows.
bcurl --timeout 15s -d '{"event_types":["sms.*"]}' \
  "http://$grpc_addr/switchboard.v1.EventStream/Subscribe" >"$tmp/stream" 2>"$tmp/stream.err" &
stream_pid=$!
post "$fixtures/call.completed.json" >/dev/null  # filtered out
for try in 1 2 3 4 5 6 7 8 9 10; do
  sed "s/msg_a1b2c3d4/msg_try_$try/" "$fixtures/sms.received.json" >"$tmp/sms.json"
  post "$tmp/sms.json" >/dev/null
  for _ in $(seq 10); do grep -q '"smsReceived"' "$tmp/stream" && break 2; sleep 0.1; done
done
sleep 0.3  # anything else the stream would print
kill $stream_pid 2>/dev/null || true
wait $stream_pid 2>/dev/null || true
stream_pid=

# The first event printed must be exactly the fixture in protobuf JSON form.
/usr/bin/python3 - "$tmp/stream" "$fixtures/sms.received.json" <<'PY' || fail "stream output: $(cat "$tmp/stream" "$tmp/stream.err")"
import json, sys
text = open(sys.argv[1]).read()
decoder, events, pos = json.JSONDecoder(), [], 0
while True:  # buf curl prints one pretty-printed JSON object per message
    while pos < len(text) and text[pos].isspace():
        pos += 1
    if pos == len(text):
        break
    event, pos = decoder.raw_decode(text, pos)
    events.append(event)
assert events, "no event printed"
assert all(e["type"] == "sms.received" for e in events), "a non-SMS event passed the filter"
fixture = json.load(open(sys.argv[2]))
first = events[0]
assert first["type"] == fixture["event"] and first["occurredAt"] == fixture["timestamp"], first
assert first["sequence"].isdigit() and int(first["sequence"]) >= 2, first  # uint64: a JSON string
assert first["id"] and first["receivedAt"].endswith("Z"), first
data = fixture["data"]
try_id = first["smsReceived"]["messageId"]
assert try_id.startswith("msg_try_"), first
# media_url was null: omitted. The official SMS object (`sms`, read from the
# same data) holds the one key both shapes have.
want = {"messageId": try_id, "direction": data["direction"], "from": data["from"],
        "to": data["to"], "body": data["body"], "sms": {"direction": data["direction"]}}
assert first["smsReceived"] == want, (first["smsReceived"], want)
sent = dict(data, message_id=try_id)
assert json.loads(first["dataJson"]) == sent, (first["dataJson"], sent)  # data, exactly as sent
assert set(first) == {"sequence", "id", "type", "occurredAt", "receivedAt", "dataJson",
                      "smsReceived"}, first
print(f"buf curl Subscribe printed {len(events)} sms.received event(s) as documented")
PY
echo "buf curl: list, describe, health and filtered Subscribe work"
