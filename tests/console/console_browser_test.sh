#!/usr/bin/env bash
# The operator console in headless Chromium.
# Usage: console_browser_test.sh SWITCHBOARD_BINARY FIXTURES_DIR [SCREENSHOT_DIR]
# The screenshots go to SCREENSHOT_DIR (ctest: the build folder); to refresh the
# README's: tests/console/console_browser_test.sh build/switchboard \
#   tests/fixtures/justcall docs/console
# Needs Debian's chromium and tests/console/node_modules (scripts/install_deps.sh --tests).
set -euo pipefail
dir=$(cd "$(dirname "$0")" && pwd)
command -v chromium >/dev/null || { echo "FAIL: chromium missing: run scripts/install_deps.sh --tests" >&2; exit 1; }
[[ -d $dir/node_modules/puppeteer-core ]] || { echo "FAIL: $dir/node_modules missing: run scripts/install_deps.sh --tests" >&2; exit 1; }
SWITCHBOARD_BIN=$1 FIXTURES_DIR=$2 SCREENSHOT_DIR=${3:-} CHROMIUM=$(command -v chromium) exec node --test "$dir/console_browser_test.js"
