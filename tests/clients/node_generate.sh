#!/usr/bin/env bash
# ctest fixture of the Node tests: (re)generates clients/node/proto and
# clients/node/generated from proto/, so they are never stale.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[[ -d $root/clients/node/node_modules/@grpc/grpc-js ]] ||
  fail "clients/node/node_modules missing: run scripts/install_deps.sh (npm ci in clients/node)"
exec "$root/clients/node/generate.sh"
