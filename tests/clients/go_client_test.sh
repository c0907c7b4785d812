#!/usr/bin/env bash
# clients/go: vet and build the packages and the example command offline in
# GOPATH mode, then run the end-to-end test.
# Usage: go_client_test.sh SWITCHBOARD_BINARY FIXTURES_DIR WORK_DIR
set -euo pipefail
source "$(dirname "$0")/lib.sh"
command -v go >/dev/null || fail "go missing: run scripts/install_deps.sh (golang-go ...)"
bin=$(realpath "$1") fixtures=$(realpath "$2") work=$3  # go test runs in the package folder
# The import path switchboard/... is this repository: GOPATH/src/switchboard -> root.
mkdir -p "$work/src"
ln -sfn "$root" "$work/src/switchboard"
export GO111MODULE=off GOPROXY=off GOFLAGS= GOPATH=$work:/usr/share/gocode
[[ -n ${HOME:-}${XDG_CACHE_HOME:-}${GOCACHE:-} ]] || export GOCACHE=$work/cache
packages=(switchboard/clients/go/switchboard/v1 switchboard/clients/go/subscription
  switchboard/clients/go/consumer
  switchboard/clients/go/cmd/switchboard-subscribe switchboard/tests/clients/go)
go vet "${packages[@]}"
go build -o "$work/switchboard-subscribe" switchboard/clients/go/cmd/switchboard-subscribe
go test -count=1 -v switchboard/tests/clients/go -args -switchboard "$bin" -fixtures "$fixtures"
