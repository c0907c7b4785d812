#!/usr/bin/env bash
# Regenerates the Ruby stubs (lib/switchboard/v1/*_pb.rb, event_stream_services_pb.rb)
# from proto/. Usage: clients/ruby/generate.sh [OUT_DIR] (default: this folder;
# tests pass a temporary folder and diff it against the committed files).
# Needs grpc_tools_ruby_protoc (Debian: ruby-grpc-tools, which runs /usr/bin/protoc
# with /usr/bin/grpc_ruby_plugin; elsewhere: gem install grpc-tools).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${1:-$here}/lib
command -v grpc_tools_ruby_protoc >/dev/null ||
  { echo "grpc_tools_ruby_protoc missing: apt-get install ruby-grpc-tools (or gem install grpc-tools)" >&2; exit 1; }
mkdir -p "$out/switchboard/v1"
rm -f "$out"/switchboard/v1/*_pb.rb
cd "$root/proto"
# Only files with a service get a *_services_pb.rb. The Ruby module is
# Switchboard::V1 (from the package); files require each other as
# 'switchboard/v1/..._pb', so lib/ goes on the load path.
grpc_tools_ruby_protoc -I. --ruby_out="$out" --grpc_out="$out" switchboard/v1/*.proto
