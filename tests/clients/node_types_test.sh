#!/usr/bin/env bash
# clients/node's published TypeScript types: tsc over src/index.d.ts, the
# generated declarations, examples/ (checkJs) and test-d/ (expected errors).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$root/clients/node"
node_modules/.bin/tsc -p tsconfig.json || fail "clients/node types (see above)"
echo "clients/node: types check"
