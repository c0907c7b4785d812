#!/usr/bin/env bash
# Installs what Switchboard builds with (Debian 12 packages); with --tests, also
# what the tests need (Bazel, the Python, Node, Go, Java and Ruby client toolchains, the buf CLI).
# Idempotent: does nothing (and needs no network) when everything is there.
set -euo pipefail
tests=false
[[ ${1:-} == --tests ]] && tests=true
packages=(build-essential cmake ninja-build pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler grpc-proto libabsl-dev
  libboost-dev libsimdjson-dev librocksdb-dev libnats-dev libssl-dev libgtest-dev libgmock-dev
  libgoogle-perftools-dev curl ccache)
if $tests; then
  # clang with its sanitizer and libFuzzer runtimes: scripts/sanitize_test.sh;
  # wrk drives bench/run.sh (its --quick smoke test runs in ctest).
  packages+=(clang libclang-rt-14-dev wrk python3-grpcio python3-protobuf
    golang-go golang-google-grpc-dev golang-google-protobuf-dev protoc-gen-go protoc-gen-go-grpc
    golang-github-golang-protobuf-1-5-dev)
  # chromium: the console's browser tests (tests/console/, puppeteer-core).
  packages+=(chromium)
  # nats-server: the JetStream store's tests start real servers (tests/nats/).
  packages+=(nats-server)
  # The Java client (clients/java, built with javac against these jars: its
  # classpath.sh): grpc-java, protobuf-java, Netty and what grpc-core loads,
  # netty-tcnative for TLS, the javax.annotation.Generated of the stubs; JUnit 4.
  packages+=(default-jdk-headless libgrpc-java protobuf-compiler-grpc-java-plugin libprotobuf-java
    libnetty-java libnetty-tcnative-java libnetty-tcnative-jni libperfmark-java libguava-java
    libgoogle-gson-java libgeronimo-annotation-1.3-spec-java junit4)
  # The Ruby client (clients/ruby); ruby-grpc-tools regenerates its stubs.
  packages+=(ruby ruby-grpc ruby-google-protobuf ruby-grpc-tools)
  # Bazel, the second build (BUILD.bazel files): any bazel on PATH will do.
  command -v bazel >/dev/null || packages+=(bazel-bootstrap)
  # Node.js: any install with npm will do (e.g. NodeSource's nodejs bundles npm).
  command -v node >/dev/null || packages+=(nodejs)
  command -v npm >/dev/null || packages+=(npm)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# libboost1.81-dev replaces libboost-dev; either provides Boost.Beast.
if [[ " ${missing[*]} " == *" libboost-dev "* ]] && dpkg-query -W -f='${Status}' libboost1.81-dev 2>/dev/null | grep -q "install ok installed"; then
  missing=("${missing[@]/libboost-dev}")
fi
missing=(${missing[@]+"${missing[@]}"})
if ((${#missing[@]})); then
  echo "==> installing: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

# npm packages from the committed lockfiles: the buf CLI (tools/), the Node
# client's dependencies (clients/node; `npm ci` also generates its types) and
# puppeteer-core for the console's browser tests (tests/console; it never
# downloads a browser: the tests drive Debian's chromium).
# Skipped, without network, when node_modules is as new as the lockfile.
$tests || exit 0
root=$(cd "$(dirname "$0")/.." && pwd)
for dir in "$root/tools" "$root/clients/node" "$root/tests/console"; do
  if [[ ! -f $dir/node_modules/.package-lock.json || $dir/package-lock.json -nt $dir/node_modules/.package-lock.json ]]; then
    echo "==> npm ci in ${dir#$root/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
