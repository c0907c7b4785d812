#!/usr/bin/env bash
# Regenerates the Go stubs (switchboard/v1/*.pb.go, *_grpc.pb.go) from proto/.
# Usage: clients/go/generate.sh [OUT_DIR] (default: this folder; tests pass a
# temporary folder and diff it against the committed files).
# Needs protoc, protoc-gen-go and protoc-gen-go-grpc (Debian packages of the same names).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$here}
mkdir -p "$out/switchboard/v1"
rm -f "$out"/switchboard/v1/*.pb.go
cd "$root/proto"
# go_package in the .proto files is "switchboard/clients/go/switchboard/v1";
# paths=source_relative puts the files at switchboard/v1/ under OUT_DIR.
protoc -I. --go_out="$out" --go_opt=paths=source_relative \
  --go-grpc_out="$out" --go-grpc_opt=paths=source_relative switchboard/v1/*.proto
