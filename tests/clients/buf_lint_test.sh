#!/usr/bin/env bash
# buf lint on proto/ (rules and their reasoned exceptions: proto/buf.yaml).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need_buf
cd "$root/proto"
"$buf" lint || fail "buf lint found problems in proto/ (see above)"
echo "buf lint: proto/ is clean"
