#!/usr/bin/env bash
# Runs every libFuzzer harness (tests/fuzz) for MINUTES minutes each (default 1), clang build in
# build-fuzz/. New inputs go to a scratch corpus; crashes are saved as crash-* in build-fuzz/findings/
# and each one should become a regression test (a seed in tests/fuzz/corpus/ and a unit test).
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-1}"
seconds=$(( minutes * 60 ))
bash scripts/install-deps.sh
fuzzers=(csv policy traits cost_settings date)
[ -f tests/fuzz/fuzz_usage_time.cpp ] && fuzzers+=(usage_time)
cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DRISKSCALE_BUILD_FUZZERS=ON -DRISKSCALE_BUILD_TESTS=OFF -DRISKSCALE_BUILD_BENCH=OFF \
  -DRISKSCALE_BUILD_EXAMPLES=OFF -DRISKSCALE_BUILD_PYTHON=OFF >/dev/null
targets=()
for name in "${fuzzers[@]}"; do targets+=("riskscale_fuzz_$name"); done
cmake --build build-fuzz --target "${targets[@]}"
mkdir -p build-fuzz/findings
status=0
for name in "${fuzzers[@]}"; do
  echo "== fuzz $name for ${seconds} s"
  scratch=$(mktemp -d)
  build-fuzz/tests/fuzz/riskscale_fuzz_$name -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix=build-fuzz/findings/"$name"- "$scratch" "tests/fuzz/corpus/$name" 2>&1 | tail -n 5 || status=$?
  rm -rf "$scratch"
done
exit "$status"
