#!/usr/bin/env bash
# clang-tidy (checks in .clang-tidy) over the command-line tool, the CSV library and the Python
# bindings, with the compile commands of build/ (the release preset exports them); the core's
# headers are checked through these translation units (as C++17: GCC needs no -std flag for it,
# clang-tidy does). Exit status 1 on any finding.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
[ -f build/compile_commands.json ] || cmake --preset release >/dev/null
tidy=$(command -v run-clang-tidy || command -v run-clang-tidy-14)
files=$(ls src/cli/*.cpp src/csv/*.cpp python/src/*.cpp)
echo "clang-tidy: $(echo "$files" | wc -w) files, $(nproc) jobs" >&2
"$tidy" -quiet -p build -j "$(nproc)" -extra-arg=-std=c++17 $files 2>&1 | grep -v "^[0-9]* warnings generated\|^Suppressed\|^Use -header-filter\|^Running\|^clang-tidy-14 \|^$" \
  | tee build/clang-tidy.log || true
if grep -q "error:\|warning:" build/clang-tidy.log; then
  echo "clang-tidy: findings above (build/clang-tidy.log)" >&2
  exit 1
fi
echo "clang-tidy: no findings" >&2
