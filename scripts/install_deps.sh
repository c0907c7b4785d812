#!/usr/bin/env bash
# Installs the Debian 12 packages Switchboard builds with. Idempotent: does
# nothing (and needs no network) when everything is already installed.
set -euo pipefail
packages=(build-essential cmake ninja-build pkg-config
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler grpc-proto libabsl-dev
  libboost-dev libsimdjson-dev librocksdb-dev libssl-dev libgtest-dev libgmock-dev curl)
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
