#!/usr/bin/env bash
# Every test: builds the release tree in build/ and runs the whole CTest suite
# (C++ unit and conformance tests, the install check, the CLI tests).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
ctest --preset release -j "$(nproc)"
