#!/usr/bin/env bash
# Configures and builds the release tree in build/ (CLI at build/bin/riskscale).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release "$@" >/dev/null
cmake --build --preset release
