#!/usr/bin/env bash
# Configures and builds into build/ (incremental on a second run).
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -f build/build.ninja ]] || cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
echo "==> building (cmake --build build -j2)"
cmake --build build -j2
