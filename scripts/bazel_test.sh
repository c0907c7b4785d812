#!/usr/bin/env bash
# Builds and tests everything with Bazel (the second build, offline, against
# the system libraries): bazel test //... . scripts/test.sh runs it after ctest.
# Arguments go to bazel test (targets default to //...), e.g.
#   scripts/bazel_test.sh //tests:e2e_smoke --test_output=all
set -euo pipefail
cd "$(dirname "$0")/.."
command -v bazel >/dev/null || { echo "bazel not found: run scripts/install_deps.sh --tests"; exit 1; }
# In CI (a fresh clone, run once) stop the Bazel server when done, instead of
# leaving it idle for hours; its output base (~/.cache/bazel) stays.
[[ -z ${CI:-} ]] || trap 'bazel shutdown' EXIT

# Bazel does not track headers under /usr/include: when a system package the
# build uses changes (an upgrade, Boost 1.74 <-> 1.81), objects compiled
# against the old headers would be reused. Clean the output base then.
packages=(g++ libgrpc++-dev libprotobuf-dev protobuf-compiler protobuf-compiler-grpc grpc-proto
  libabsl-dev libboost-dev libboost1.81-dev libsimdjson-dev librocksdb-dev libnats-dev libssl-dev
  libgtest-dev libgmock-dev)
versions=$(dpkg-query -W -f='${Package} ${Version} ${Status}\n' "${packages[@]}" 2>/dev/null |
  grep ' installed$' || true)
output_base=$(bazel info output_base 2>/dev/null)
stamp=$output_base/switchboard-system-packages
if [[ -f $stamp && $(cat "$stamp") != "$versions" ]]; then
  echo "==> system packages changed since the last Bazel build: bazel clean"
  bazel clean
fi
printf '%s\n' "$versions" >"$stamp"

echo "==> bazel test (the same targets, built by Bazel)"
args=("$@")
[[ " $* " == *" //"* || " $* " == *" :"* ]] || args+=(//...)
bazel test "${args[@]}"
