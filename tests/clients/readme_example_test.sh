#!/usr/bin/env bash
# Runs an example of clients/LANG/README.md as written: the code block after
# the line "<!-- README example NAME: ..." is saved to a file and run against
# the real binary (the address as its first argument), after an official
# call.completed and an sms.received were posted; it must print one line each.
# NAME: subscribe (a Subscription) or consume (a Consumer, a group member).
# Usage: readme_example_test.sh java|ruby subscribe|consume SWITCHBOARD_BINARY [JAVA_WORK_DIR]
# (java: the folder java_compile.sh compiled the classes into).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
lang=$1 name=$2 bin=$3 work=${4:-}
readme=$root/clients/$lang/README.md
tmp=$(mktemp -d)
trap 'kill "${example_pid:-}" 2>/dev/null || true; stop_switchboard; rm -rf "$tmp"' EXIT
case $lang in
  java)
    example=$tmp/Example.java
    [[ -d $work/classes ]] || fail "no compiled classes in $work: run ctest's client_java_compile first"
    run=(java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$work/classes:$("$root/clients/java/classpath.sh")" "$example") ;;
  ruby)
    example=$tmp/example.rb
    # Unbuffered, so that the lines are in the file when the example is stopped.
    run=(ruby -I "$root/clients/ruby/lib" -e '$stdout.sync = true; load ARGV.shift' "$example") ;;
  *) fail "unknown client: $lang" ;;
esac
awk -v marker="<!-- README example $name:" '
     index($0, marker) == 1 { marked = 1; next }
     marked && /^```/ { if (inside) exit; inside = 1; next }
     inside' "$readme" > "$example"
[[ -s $example ]] || fail "$readme has no code block after a '<!-- README example $name:' line"
case $name in
  subscribe) expected=$'1 call 1048576123 lasted 185s\n2 sms.received' ;;
  consume) expected=$'1 call.completed attempt 1\n2 sms.received attempt 1' ;;
  *) fail "unknown example: $name" ;;
esac

start_switchboard "$bin"
post "$root/tests/fixtures/justcall/v2.1/call.completed.json" >/dev/null
post "$root/tests/fixtures/justcall/sms.received.json" >/dev/null

"${run[@]}" "$grpc_addr" >"$tmp/out" 2>"$tmp/err" &
example_pid=$!
# The example subscribes until stopped: wait for its two lines (or for it to end).
for _ in $(seq 300); do
  [[ $(wc -l <"$tmp/out") -ge 2 ]] && break
  kill -0 "$example_pid" 2>/dev/null || break
  sleep 0.1
done
sleep 0.3  # a third line would be a duplicate
kill "$example_pid" 2>/dev/null || true
wait "$example_pid" 2>/dev/null || true
if [[ $(cat "$tmp/out") != "$expected" ]]; then
  echo "--- the example ($example):"; cat -n "$example"
  echo "--- its stderr:"; cat "$tmp/err"
  diff <(echo "$expected") "$tmp/out" || true
  fail "the $name example of clients/$lang/README.md did not print the expected lines (above: < expected, > printed)"
fi
echo "clients/$lang/README.md $name example printed:"; cat "$tmp/out"
