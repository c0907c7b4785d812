#!/bin/sh
# //bazel/system:grpc_cpp_plugin: Debian's gRPC C++ plugin (package protobuf-compiler-grpc).
exec /usr/bin/grpc_cpp_plugin "$@"
