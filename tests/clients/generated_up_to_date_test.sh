#!/usr/bin/env bash
# Fails when the committed generated code of a client is out of date with
# proto/: regenerates it into a temporary folder and diffs.
# Usage: generated_up_to_date_test.sh python|go|java|ruby
set -euo pipefail
source "$(dirname "$0")/lib.sh"
lang=$1
# Where each client's generate.sh puts the stubs (under its folder or OUT_DIR), and their names.
case $lang in
  python) dir=switchboard/v1 pattern='*_pb2*.py*' ;;
  go) dir=switchboard/v1 pattern='*.pb.go' ;;
  java) dir=src/main/java/switchboard/v1 pattern='*.java' ;;
  ruby) dir=lib/switchboard/v1 pattern='*_pb.rb' ;;
  *) fail "unknown client: $lang" ;;
esac
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$root/clients/$lang/generate.sh" "$tmp"
committed=$root/clients/$lang/$dir
# Compare the file sets, then the contents.
diff <(cd "$committed" && find . -name "$pattern" | sort) \
     <(cd "$tmp/$dir" && find . -name "$pattern" | sort) ||
  fail "clients/$lang: generated file set differs from proto/; run clients/$lang/generate.sh"
for f in $(cd "$tmp/$dir" && find . -name "$pattern"); do
  diff -u "$committed/$f" "$tmp/$dir/$f" ||
    fail "clients/$lang/$dir/${f#./} is out of date with proto/; run clients/$lang/generate.sh"
done
echo "clients/$lang: generated code matches proto/"
