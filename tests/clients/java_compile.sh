#!/usr/bin/env bash
# clients/java: compiles the library (generated stubs and io.switchboard.client),
# the example program and the end-to-end tests with javac against Debian's jars,
# into WORK_DIR (the ctest build folder, never the source tree). The setup of
# the client_java* tests, so the 3 MB of generated code is compiled at most once
# per run, and not again while no source changed.
# Usage: java_compile.sh WORK_DIR
set -euo pipefail
source "$(dirname "$0")/lib.sh"
work=$1
command -v javac >/dev/null || fail "javac missing: apt-get install default-jdk-headless (or scripts/install_deps.sh --tests)"
cp=$("$root/clients/java/classpath.sh") || fail "run scripts/install_deps.sh --tests"
junit=/usr/share/java/junit4.jar
[[ -f $junit ]] || fail "JUnit missing at $junit: apt-get install junit4 (or scripts/install_deps.sh --tests)"
tcnative=/usr/lib/x86_64-linux-gnu/jni/libnetty-tcnative.so
[[ -f $tcnative ]] || fail "$tcnative missing: apt-get install libnetty-tcnative-jni (or scripts/install_deps.sh --tests)"

library=$(find "$root/clients/java/src/main/java" -name '*.java' | sort)
example=$root/clients/java/examples/Tail.java
tests=$(find "$root/tests/clients/java" -name '*.java' | sort)
# Up to date: the same files (names and contents) and classpath as the last compile.
key=$( (echo "$cp"; sha256sum $library "$example" $tests "$root/tests/clients/java_compile.sh") | sha256sum | cut -d' ' -f1)
if [[ -f $work/compiled.key && $(cat "$work/compiled.key") == "$key" ]]; then
  echo "clients/java classes in $work are up to date"
  exit 0
fi
rm -rf "$work/classes" "$work/example-classes" "$work/test-classes" "$work/native" "$work/compiled.key"
mkdir -p "$work/native"
# A short-lived javac: the client compiler and the serial collector halve its time.
javac=(javac -J-XX:TieredStopAtLevel=1 -J-XX:+UseSerialGC -encoding UTF-8)
# --release 8: the library stays usable on Java 8, as grpc-java is.
"${javac[@]}" --release 8 -nowarn -d "$work/classes" -cp "$cp" $library
"${javac[@]}" -Werror -Xlint:all -d "$work/example-classes" -cp "$work/classes:$cp" "$example"
"${javac[@]}" -Xlint:all,-try,-processing -d "$work/test-classes" -cp "$work/classes:$cp:$junit" $tests
# TLS on Debian's Netty goes through netty-tcnative, whose JNI library Netty
# loads only under the name libnetty_tcnative.so (a copy: a symbolic link is
# resolved and refused). clients/java/README.md, "TLS with Debian's jars".
cp "$tcnative" "$work/native/libnetty_tcnative.so"
echo "$key" >"$work/compiled.key"
echo "compiled clients/java into $work"
