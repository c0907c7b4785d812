#!/usr/bin/env bash
# clients/java: compiles the library (generated stubs and io.switchboard.client),
# the example program and the end-to-end tests with javac against Debian's jars,
# into WORK_DIR (the ctest build folder, never the source tree). The setup of
# the client_java* tests, so the 3 MB of generated code is compiled once per run.
# Usage: java_compile.sh WORK_DIR
set -euo pipefail
source "$(dirname "$0")/lib.sh"
work=$1
command -v javac >/dev/null || fail "javac missing: apt-get install default-jdk-headless (or scripts/install_deps.sh --tests)"
cp=$("$root/clients/java/classpath.sh") || fail "run scripts/install_deps.sh --tests"
junit=/usr/share/java/junit4.jar
[[ -f $junit ]] || fail "JUnit missing at $junit: apt-get install junit4 (or scripts/install_deps.sh --tests)"
rm -rf "$work/classes" "$work/example-classes" "$work/test-classes" "$work/native"
mkdir -p "$work"
# --release 8: the library stays usable on Java 8, as grpc-java is.
javac --release 8 -encoding UTF-8 -nowarn -d "$work/classes" -cp "$cp" \
  $(find "$root/clients/java/src/main/java" -name '*.java')
javac -encoding UTF-8 -Werror -Xlint:all -d "$work/example-classes" -cp "$work/classes:$cp" \
  "$root/clients/java/examples/Tail.java"
javac -encoding UTF-8 -Xlint:all,-try,-processing -d "$work/test-classes" -cp "$work/classes:$cp:$junit" \
  "$root"/tests/clients/java/*.java
# TLS on Debian's Netty goes through netty-tcnative, whose JNI library Netty
# loads only under the name libnetty_tcnative.so (a copy: a symbolic link is
# resolved and refused). clients/java/README.md, "TLS with Debian's jars".
mkdir -p "$work/native"
cp /usr/lib/x86_64-linux-gnu/jni/libnetty-tcnative.so "$work/native/libnetty_tcnative.so" ||
  fail "apt-get install libnetty-tcnative-jni (or scripts/install_deps.sh --tests)"
echo "compiled clients/java into $work"
