#!/usr/bin/env bash
# Regenerates the Java stubs (src/main/java/switchboard/v1/*.java: the messages
# and EventStreamGrpc) from proto/. Usage: clients/java/generate.sh [OUT_DIR]
# (default: this folder; tests pass a temporary folder and diff it against the
# committed files). Needs protoc and grpc_java_plugin (Debian: protobuf-compiler,
# protobuf-compiler-grpc-java-plugin).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$here}/src/main/java
plugin=${GRPC_JAVA_PLUGIN:-/usr/bin/grpc_java_plugin}
[[ -x $plugin ]] || { echo "grpc_java_plugin missing at $plugin: apt-get install protobuf-compiler-grpc-java-plugin (or set GRPC_JAVA_PLUGIN)" >&2; exit 1; }
mkdir -p "$out/switchboard/v1"
rm -f "$out"/switchboard/v1/*.java
cd "$root/proto"
# The protos set no java_package: the classes are in package switchboard.v1,
# one outer class per file (event.proto -> EventOuterClass, holding Event).
protoc -I. --java_out="$out" --plugin=protoc-gen-grpc-java="$plugin" --grpc-java_out="$out" \
  switchboard/v1/*.proto
