#!/usr/bin/env bash
# buf breaking: proto/ must not break clients built against the previous
# commit's schema (rules: proto/buf.yaml). First proves the check has teeth on
# a deliberately broken copy. Exits 77 (ctest: skipped) when there is no
# previous commit with a proto/ folder (first commit, shallow clone).
# Usage: buf_breaking_test.sh [AGAINST_REF] (default HEAD~1)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need_buf
ref=${1:-HEAD~1}
cd "$root"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

cp -r proto "$tmp/proto"
sed -i 's/uint64 sequence = 1;/uint64 sequence = 99;/' "$tmp/proto/switchboard/v1/event.proto"
if "$buf" breaking "$tmp/proto" --against proto >"$tmp/out" 2>&1; then
  fail "buf breaking accepted a renumbered Event.sequence"
fi
grep -q '"sequence"' "$tmp/out" || { cat "$tmp/out"; fail "unexpected buf breaking output"; }

if ! git rev-parse -q --verify "$ref^{commit}" >/dev/null; then
  echo "SKIPPED: no commit $ref to compare proto/ against (first commit or shallow clone)"
  exit 77
fi
if ! git cat-file -e "$ref:proto" 2>/dev/null; then
  echo "SKIPPED: $ref has no proto/ folder to compare against"
  exit 77
fi
"$buf" breaking proto --against ".git#ref=$ref,subdir=proto" ||
  fail "proto/ breaks clients of the schema at $ref (see above); add a new field/message instead"
echo "buf breaking: proto/ is compatible with $ref"
