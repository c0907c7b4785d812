#!/bin/sh
# //bazel/system:protoc: Debian's protoc (package protobuf-compiler), which
# finds the well-known types (google/protobuf/*.proto) in /usr/include.
exec /usr/bin/protoc -I/usr/include "$@"
