#!/usr/bin/env bash
# One command to run every test: installs what is missing, builds, runs ctest,
# then the C++ tests again under sanitizers, with the fuzzers (scripts/sanitize_test.sh),
# then builds and tests the same targets with Bazel (scripts/bazel_test.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh --tests
scripts/build.sh
echo "==> running tests"
ctest --test-dir build --output-on-failure -j2
scripts/sanitize_test.sh
scripts/bazel_test.sh
