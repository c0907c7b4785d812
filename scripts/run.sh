#!/usr/bin/env bash
# One command to run Switchboard: installs what is missing, builds only what
# running needs (the server and switchboard-cli; scripts/test.sh builds the
# rest), starts it, and prints the console's URL once it is ready.
# Extra arguments go to the binary, e.g. scripts/run.sh --http_addr=0.0.0.0:8080
# `scripts/run.sh --print-targets` prints the CMake targets it builds.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(switchboard switchboard-cli)
if [[ ${1:-} == --print-targets ]]; then echo "${targets[*]}"; exit 0; fi
scripts/install_deps.sh
[[ -f build/build.ninja ]] || {
  echo "==> configuring (cmake -S . -B build -G Ninja)"
  cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
}
echo "==> building ${targets[*]} (cmake --build build --target ${targets[*]}); a first build takes a few minutes"
# Ninja prints [done/total] per step: the progress.
cmake --build build -j"$(nproc)" --target "${targets[@]}"
echo "==> starting build/switchboard $*"
echo "    the console's address follows \"console:\" below (default http://127.0.0.1:8081/)"
exec build/switchboard "$@"
