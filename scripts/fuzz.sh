#!/usr/bin/env bash
# Runs every libFuzzer harness (tests/fuzz/fuzz_NAME.cpp, target riskscale_fuzz_NAME, seeds in
# tests/fuzz/corpus/NAME) for MINUTES minutes each (default 1), two at a time (one per core), in a
# clang build in build-fuzz/. New inputs go to a scratch corpus; a crash is saved as
# build-fuzz/findings/NAME-crash-* and should become a seed and a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-1}"
seconds=$(( minutes * 60 ))
bash scripts/install-deps.sh
fuzzers=()
for harness in tests/fuzz/fuzz_*.cpp; do
  name=$(basename "$harness" .cpp)
  fuzzers+=("${name#fuzz_}")
done
cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DRISKSCALE_BUILD_FUZZERS=ON -DRISKSCALE_BUILD_TESTS=OFF -DRISKSCALE_BUILD_BENCH=OFF \
  -DRISKSCALE_BUILD_EXAMPLES=OFF -DRISKSCALE_BUILD_PYTHON=OFF >/dev/null
targets=()
for name in "${fuzzers[@]}"; do targets+=("riskscale_fuzz_$name"); done
cmake --build build-fuzz --target "${targets[@]}"
mkdir -p build-fuzz/findings

run_one() {
  local name="$1" scratch log
  scratch=$(mktemp -d)
  log=$(mktemp)
  if build-fuzz/tests/fuzz/riskscale_fuzz_"$name" -max_total_time="$seconds" -print_final_stats=1 \
      -artifact_prefix=build-fuzz/findings/"$name"- "$scratch" "tests/fuzz/corpus/$name" >"$log" 2>&1; then
    echo "== fuzz $name: ${seconds} s, no finding ($(grep -m1 -o 'Done [0-9]* runs' "$log"))"
  else
    echo "== fuzz $name: FAILED"; tail -n 30 "$log"
    rm -rf "$scratch" "$log"
    return 1
  fi
  rm -rf "$scratch" "$log"
}

status=0
for ((i = 0; i < ${#fuzzers[@]}; i += 2)); do
  run_one "${fuzzers[i]}" & first=$!
  second=""
  if (( i + 1 < ${#fuzzers[@]} )); then run_one "${fuzzers[i+1]}" & second=$!; fi
  wait "$first" || status=1
  [ -n "$second" ] && { wait "$second" || status=1; }
done
exit "$status"
