#!/usr/bin/env bash
# Fails when the committed generated code of a client is out of date with
# proto/: regenerates it into a temporary folder and diffs.
# Usage: generated_up_to_date_test.sh python|go
set -euo pipefail
source "$(dirname "$0")/lib.sh"
lang=$1
case $lang in
  python) pattern='*_pb2*.py*' ;;
  go) pattern='*.pb.go' ;;
  *) fail "unknown client: $lang" ;;
esac
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$root/clients/$lang/generate.sh" "$tmp"
committed=$root/clients/$lang/switchboard/v1
# Compare the file sets, then the contents.
diff <(cd "$committed" && find . -name "$pattern" | sort) \
     <(cd "$tmp/switchboard/v1" && find . -name "$pattern" | sort) ||
  fail "clients/$lang: generated file set differs from proto/; run clients/$lang/generate.sh"
for f in $(cd "$tmp/switchboard/v1" && find . -name "$pattern"); do
  diff -u "$committed/$f" "$tmp/switchboard/v1/$f" ||
    fail "clients/$lang/switchboard/v1/${f#./} is out of date with proto/; run clients/$lang/generate.sh"
done
echo "clients/$lang: generated code matches proto/"
