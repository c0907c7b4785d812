#!/usr/bin/env bash
# clients/node end to end (node:test). Usage: node_client_test.sh SWITCHBOARD_BINARY FIXTURES_DIR
set -euo pipefail
source "$(dirname "$0")/lib.sh"
SWITCHBOARD_BIN=$1 FIXTURES_DIR=$2 exec node --test "$root/tests/clients/node/e2e.test.js"
