#!/usr/bin/env bash
# clients/ruby end to end (minitest: Subscription and Consumer) against the real
# binary, with Debian's ruby-grpc and ruby-google-protobuf; the library and the
# examples are checked for syntax and warnings first.
# Usage: ruby_client_test.sh SWITCHBOARD_BINARY FIXTURES_DIR
set -euo pipefail
source "$(dirname "$0")/lib.sh"
command -v ruby >/dev/null || fail "ruby missing: apt-get install ruby (or scripts/install_deps.sh --tests)"
ruby -e 'require "grpc"; require "google/protobuf"' 2>/dev/null ||
  fail "ruby lacks grpc/google-protobuf: apt-get install ruby-grpc ruby-google-protobuf (or scripts/install_deps.sh --tests)"
for f in "$root"/clients/ruby/lib/switchboard/*.rb "$root"/clients/ruby/examples/*.rb; do
  warnings=$(ruby -wc "$f" 2>&1 >/dev/null) || fail "$f: $warnings"
  [[ -z $warnings ]] || fail "$f: $warnings"
done
# Both suites in one run (minitest runs every test class loaded).
SWITCHBOARD_BINARY=$(realpath "$1") SWITCHBOARD_FIXTURES=$(realpath "$2") \
  exec ruby -I "$root/clients/ruby/lib" -I "$root/tests/clients/ruby" \
  -e 'require "e2e_test"; require "consumer_e2e_test"' -- --verbose
