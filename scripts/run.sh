#!/usr/bin/env bash
# One command to run Switchboard: installs what is missing, builds, starts.
# Extra arguments go to the binary, e.g. scripts/run.sh --http_addr=0.0.0.0:8080
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install_deps.sh
scripts/build.sh
exec build/switchboard "$@"
