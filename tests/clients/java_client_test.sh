#!/usr/bin/env bash
# clients/java end to end (JUnit 4) against the real binary, from the classes
# java_compile.sh put into WORK_DIR.
# Usage: java_client_test.sh SWITCHBOARD_BINARY FIXTURES_DIR WORK_DIR
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bin=$(realpath "$1") fixtures=$(realpath "$2") work=$3
[[ -d $work/test-classes ]] || fail "no compiled classes in $work: run ctest's client_java_compile (tests/clients/java_compile.sh) first"
cp=$("$root/clients/java/classpath.sh")
exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Djava.library.path="$work/native" -Dswitchboard.binary="$bin" -Dswitchboard.fixtures="$fixtures" \
  -cp "$work/test-classes:$work/classes:$cp:/usr/share/java/junit4.jar:/usr/share/java/hamcrest-core.jar" \
  org.junit.runner.JUnitCore SubscriptionE2eTest ConsumerE2eTest
