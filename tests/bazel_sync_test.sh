#!/usr/bin/env bash
# Fails when a C++ source that a CMakeLists.txt names is missing from the
# Bazel BUILD files, so the two builds cannot drift apart.
#
# For every CMakeLists.txt of the tree, each literal path ending in .cc (relative
# to that CMakeLists.txt; "${...}" and generator expressions are skipped) must
# appear, in quotes and relative to its package, in the BUILD.bazel of the
# nearest directory above it that has one: common/metrics.cc in
# common/BUILD.bazel as "metrics.cc", tests/e2e/x.cc in tests/BUILD.bazel as
# "e2e/x.cc". A new folder built by CMake needs its own BUILD.bazel.
#
# Usage: tests/bazel_sync_test.sh [REPO_ROOT]   (run by `bazel test //...`
# as //tests:bazel_sync_test, which reads the source tree itself).
set -euo pipefail
# The root: given, or the one this script is in. Under bazel test the script
# and CMakeLists.txt are runfiles links into the source tree: follow them.
root=${1:-$(dirname "$(readlink -f "$(dirname "$0")/../CMakeLists.txt")")}
cd "$root"
[[ -f CMakeLists.txt && -f WORKSPACE ]] || { echo "not the repository root: $root"; exit 1; }

checked=0 missing=0
while IFS= read -r cmake; do
  cmake=${cmake#./}; dir=$(dirname "$cmake")
  # Sources named literally, comments stripped.
  while IFS= read -r src; do
    path=${dir#./}/$src
    path=${path#./}
    [[ -f $path ]] || continue  # a path CMake computes elsewhere, or not yet written
    pkg=$(dirname "$path")
    while [[ $pkg != . && ! -f $pkg/BUILD.bazel ]]; do pkg=$(dirname "$pkg"); done
    rel=${path#"$pkg"/}; build=${pkg#./}/BUILD.bazel; build=${build#./}
    checked=$((checked + 1))
    if [[ ! -f $pkg/BUILD.bazel ]]; then
      echo "MISSING: $path (named in $cmake): no BUILD.bazel in $(dirname "$path") or above"
      missing=$((missing + 1))
    elif ! grep -q "\"$rel\"" "$pkg/BUILD.bazel"; then
      echo "MISSING: $path (named in $cmake) is not in $build (as \"$rel\")"
      missing=$((missing + 1))
    fi
  done < <(sed 's/#.*//' "$cmake" | tr -s ' \t()"' '\n' | grep -E '^[A-Za-z0-9_./-]+\.cc$' | sort -u)
done < <(find . \( -name .git -o -name node_modules -o -name 'build*' -o -name 'bazel-*' -o -name data \) -prune \
              -o -name CMakeLists.txt -print | sort)

echo "bazel_sync: $checked sources named by CMake checked against the BUILD files"
echo "$((checked - missing)) passed, $missing failed"
((missing == 0))
