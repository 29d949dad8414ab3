#!/usr/bin/env bash
# Installs the Debian 12 packages riskscale needs that this machine lacks (as root, or via sudo).
# Idempotent: does nothing, and needs no network, when everything is present.
set -euo pipefail

packages=(
  cmake ninja-build g++ clang            # toolchain (clang: the libFuzzer harnesses)
  clang-format clang-tidy                # house tools: .clang-format (checked by a test), .clang-tidy (scripts/tidy.sh)
  libeigen3-dev nlohmann-json3-dev       # the library's own dependencies
  liblbfgspp-dev                         # calibrate: L-BFGS-B (header-only, on Eigen)
  libcli11-dev                           # the command-line tool
  libgtest-dev libbenchmark-dev          # tests and benchmarks
  python3 python3-dev pybind11-dev      # the Python package (riskscale._core)
  python3-numpy python3-pandas python3-matplotlib          # ... and what it works with
  python3-dask python3-distributed                          # riskscale.dask
  python3-pytest python3-hypothesis python3-nbclient python3-nbformat python3-ipykernel python3-icalendar  # tests
  python3-setuptools python3-pip         # pip install --no-build-isolation .
  postgresql                             # the warehouse round-trip test (tests/cli/test_postgres_cli.py)
  chromium poppler-utils python3-pil     # the report test: headless browser, pdfinfo/pdftotext, screenshot pixels
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
run_as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  run_as_root=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${run_as_root[@]}" apt-get update -qq
"${run_as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
