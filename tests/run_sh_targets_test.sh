#!/usr/bin/env bash
# scripts/run.sh builds only what running needs: every command ninja would run
# for its targets (`ninja -t commands`, the whole graph, whatever is built
# already) compiles the server or the CLI, never a test. Usage:
#   run_sh_targets_test.sh BUILD_DIR
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$1
read -r -a targets <<<"$("$root/scripts/run.sh" --print-targets)"
commands=$(ninja -C "$build" -t commands "${targets[@]}")
fail() { echo "FAIL: $*" >&2; exit 1; }
grep -q 'cmd/switchboard_main.cc' <<<"$commands" || fail "run.sh's targets (${targets[*]}) do not build the server"
grep -q 'cli/switchboard_cli_main.cc' <<<"$commands" || fail "run.sh's targets (${targets[*]}) do not build the CLI"
tests=$(grep -E '(tests/CMakeFiles|/tests/[^ ]*\.cc|gtest|gmock|_test\.cc|bench/|fuzz/)' <<<"$commands" || true)
[[ -z $tests ]] || fail "run.sh's targets build test or bench code:
$(head -5 <<<"$tests")"
echo "run.sh builds ${targets[*]}: $(wc -l <<<"$commands") commands, none for tests"
echo "1 passed, 0 failed"
