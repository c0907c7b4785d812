#!/usr/bin/env bash
# Produces what the package loads and the TypeScript types it exports, from
# proto/ (repo root): proto/ (a copy of the .proto files, loaded at run time by
# @grpc/proto-loader) and generated/ (declarations from proto-loader-gen-types).
# Both are build outputs, not committed: `npm install` runs this (the `prepare`
# script) and so does the test. Usage: clients/node/generate.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$here"
rm -rf proto generated
mkdir -p proto/switchboard/v1
cp "$root"/proto/switchboard/v1/*.proto proto/switchboard/v1/
# Keep these flags in step with LOADER_OPTIONS in src/client.js.
node_modules/.bin/proto-loader-gen-types --keepCase --longs=String --enums=String \
  --defaults --oneofs --includeComments --grpcLib=@grpc/grpc-js \
  -I proto -O generated switchboard/v1/event_stream.proto \
  switchboard/v1/consumer_group_service.proto >/dev/null
