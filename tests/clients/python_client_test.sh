#!/usr/bin/env bash
# clients/python end to end, with Debian's grpcio/protobuf under /usr/bin/python3.
# Usage: python_client_test.sh SWITCHBOARD_BINARY FIXTURES_DIR
set -euo pipefail
source "$(dirname "$0")/lib.sh"
py=/usr/bin/python3
$py -c 'import grpc, google.protobuf' 2>/dev/null ||
  fail "$py lacks grpc/protobuf: run scripts/install_deps.sh (python3-grpcio python3-protobuf)"
PYTHONPATH=$root/clients/python:$root/tests/clients/python \
  exec $py "$root/tests/clients/python/e2e_test.py" "$1" "$2"
