#!/usr/bin/env bash
# Long fuzzing session of the Cortex-M pipeline (pex-pipeline-fuzzer: MLIR
# text through --pex-verify-input and --pex-cortexm-pipeline, libFuzzer with
# the address and undefined-behaviour sanitizers, fuzz/CMakeLists.txt).
#
#   scripts/fuzz-pipeline.sh [SECONDS] [JOBS]     (default 3600 s, nproc)
#
# The session runs JOBS fuzzing processes at a time (libFuzzer's fork mode)
# and goes on after a crash, a timeout or an out-of-memory input, so that it
# collects every distinct finding.
#
# Seeds: `pex-modelgen random` graphs of $PEX_FUZZ_SEEDS seeds (default 200,
# 1 to 4 motifs of 2 to 8 channels, so that runs stay short) and the parts of
# the test/ inputs that parse and pass the legality gate. Everything goes to
# $PEX_FUZZ_DIR/pipeline (default build/fuzz/pipeline): seeds/, new inputs in
# corpus/, crashes in artifacts/, the log in fuzz.log. Replay with
#   PEX_FUZZ_VERBOSE=1 build/fuzz/bin/pex-pipeline-fuzzer \
#     build/fuzz/pipeline/artifacts/crash-<hash>
# which prints the pex-opt options of the run and its diagnostics.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

seconds=${1:-3600}
jobs=${2:-$(nproc)}
dir=${PEX_FUZZ_DIR:-build/fuzz}
count=${PEX_FUZZ_SEEDS:-200}
python=/usr/bin/python3

cmake -G Ninja -S fuzz -B "$dir" -DCMAKE_CXX_COMPILER=clang++-22 -DPEX_FUZZ_PIPELINE=ON >/dev/null
ninja -C "$dir" pex-pipeline-fuzzer
fuzzer=$root/$dir/bin/pex-pipeline-fuzzer
work=$dir/pipeline
rm -rf "$work/seeds" "$work/tests"
mkdir -p "$work/seeds" "$work/tests" "$work/corpus" "$work/artifacts"
for seed in $(seq 0 $((count - 1))); do
  "$python" python/tools/pex-modelgen random --seed "$seed" \
    --blocks $((1 + seed % 4)) --arg max_channels=$((2 + seed % 7)) \
    -o "$work/seeds/random-$seed.mlir"
done
# Every `// -----` part of the test inputs; the fuzzer's verbose replay
# tells which ones the gate accepts.
for test in $(find test -name '*.mlir' | sort); do
  name=$(echo "${test#test/}" | tr / -)
  awk -v out="$work/tests/${name%.mlir}" \
    '/^\/\/ -----/ { part++; next } { print > (out "-" part+0 ".mlir") }' "$test"
done
PEX_FUZZ_VERBOSE=1 "$fuzzer" "$work"/tests/*.mlir 2>&1 |
  awk '/^Running: / { file = $2 } /^rejected by pex-verify-input$|^not parsed$/ { print file }' |
  sort -u | xargs -r rm -f
mv "$work"/tests/*.mlir "$work/seeds/" 2>/dev/null || true
rmdir "$work/tests"
echo "seeds: $(ls "$work/seeds" | wc -l)"
cd "$work"
"$fuzzer" -max_total_time="$seconds" -fork="$jobs" -ignore_crashes=1 \
  -ignore_timeouts=1 -ignore_ooms=1 -timeout=60 -rss_limit_mb=2048 \
  -dict="$root/fuzz/pex-pipeline.dict" -artifact_prefix=artifacts/ \
  corpus seeds 2>&1 | tee fuzz.log
echo "artifacts: $(ls artifacts | wc -l)"
