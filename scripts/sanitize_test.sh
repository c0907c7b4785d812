#!/usr/bin/env bash
# The unit and end-to-end tests again, built with clang under AddressSanitizer
# and UndefinedBehaviorSanitizer (build-asan/), plus the libFuzzer targets,
# each fuzzing for 20 s from its seed corpus; then the event log tests under
# ThreadSanitizer (build-tsan/). Called by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -f build-asan/build.ninja ]]; then
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DSWITCHBOARD_SANITIZE=address,undefined -DSWITCHBOARD_FUZZ=ON >/dev/null
fi
echo "==> building with AddressSanitizer + UndefinedBehaviorSanitizer (cmake --build build-asan -j2)"
cmake --build build-asan -j2
echo "==> running the C++ tests under ASan + UBSan, and the fuzzers (20 s each)"
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# The client and buf tests exercise other languages against the same binary, and
# bench_quick measures nothing useful under ASan:
# the regular build already runs them.
ctest --test-dir build-asan --output-on-failure -j2 -E '^(client_|buf_|bench_)'

# The event logs' concurrency under ThreadSanitizer (build-tsan/): only the
# log tests, which is where the threads meet (common/mutex.h says why the logs
# use their own mutex type under TSan).
if [[ ! -f build-tsan/build.ninja ]]; then
  cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DSWITCHBOARD_SANITIZE=thread >/dev/null
fi
echo "==> building the event log tests with ThreadSanitizer (build-tsan)"
cmake --build build-tsan -j2 --target memory_event_log_test rocksdb_event_log_test \
  jetstream_event_log_test
echo "==> running the event log tests under TSan"
TSAN_OPTIONS=halt_on_error=1 ctest --test-dir build-tsan --output-on-failure -j2 \
  -R '^(MemoryEventLogTest|RocksDbEventLogTest|JetStreamEventLogTest)\.'
