#!/usr/bin/env bash
# Stands in for the switchboard binary when the single-instance end-to-end
# suites run against the JetStream store (tests/CMakeLists.txt,
# jetstream_store_environment.cc): runs the real binary with the same flags,
# except that the store flags become JetStream ones.
#
# - --store=... is replaced by --store=jetstream on the nats-server the test
#   binary started ($SWITCHBOARD_TEST_NATS_URL).
# - Each --data_dir names its own stream, so a restart on the same data
#   directory continues the same stream (the durability tests); without one,
#   each process gets a fresh stream (the hermetic --store=memory default).
#   Streams are 64 MiB at most: JetStream reserves a stream's size limit up
#   front, and one test run creates dozens.
#
# exec keeps the PID, so the test's signals (SIGTERM, kill -9) reach the
# binary itself.
set -euo pipefail
: "${SWITCHBOARD_TEST_BINARY:?set by jetstream_store_environment.cc}"
: "${SWITCHBOARD_TEST_NATS_URL:?set by jetstream_store_environment.cc}"
args=()
key="p$$"
for arg in "$@"; do
  case "$arg" in
    --store=*) ;;
    --data_dir=*) key="d$(printf %s "${arg#--data_dir=}" | cksum | cut -d' ' -f1)" ;;
    *) args+=("$arg") ;;
  esac
done
exec "$SWITCHBOARD_TEST_BINARY" "${args[@]}" --store=jetstream \
  --nats_url="$SWITCHBOARD_TEST_NATS_URL" --nats_stream="E2E_$key" \
  --nats_subject_prefix="e2e.$key" --nats_ack_timeout=2s --retention_max_bytes=67108864
