#!/usr/bin/env bash
# Regenerates the Python stubs (switchboard/v1/*_pb2.py, *.pyi, *_pb2_grpc.py)
# from proto/. Usage: clients/python/generate.sh [OUT_DIR] (default: this
# folder; tests pass a temporary folder and diff it against the committed files).
# Needs protoc and grpc_python_plugin (Debian: protobuf-compiler, protobuf-compiler-grpc).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$here}
mkdir -p "$out/switchboard/v1"
rm -f "$out"/switchboard/v1/*_pb2.py "$out"/switchboard/v1/*_pb2.pyi "$out"/switchboard/v1/*_pb2_grpc.py
cd "$root/proto"
protos=(switchboard/v1/*.proto)
protoc -I. --python_out="$out" --pyi_out="$out" "${protos[@]}"
# Only files with a service get a *_pb2_grpc.py.
protoc -I. --grpc_out="$out" --plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin \
  $(grep -l '^service ' "${protos[@]}")
