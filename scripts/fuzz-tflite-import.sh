#!/usr/bin/env bash
# Long fuzzing session of the TFLite importer (pex-tflite-fuzzer: libFuzzer
# with the address and undefined-behaviour sanitizers, fuzz/CMakeLists.txt).
#
#   scripts/fuzz-tflite-import.sh [SECONDS] [JOBS]     (default 3600 s, nproc)
#
# Seeds: the self-made models, every corrupted file of pex-tflite-gen, and the
# MLPerf Tiny models when ../shared/models/mlperf-tiny exists. New inputs go
# to $PEX_FUZZ_DIR/corpus (default build/fuzz), crashes to
# $PEX_FUZZ_DIR/artifacts, logs to $PEX_FUZZ_DIR/fuzz-<job>.log; replay with
#   build/fuzz/bin/pex-tflite-fuzzer build/fuzz/artifacts/crash-<hash>
# and import it with pex-translate --import-tflite for the message.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-3600}
jobs=${2:-$(nproc)}
dir=${PEX_FUZZ_DIR:-build/fuzz}
python=/usr/bin/python3

# The importer fuzzer alone: the pipeline fuzzer's instrumented libraries are
# not needed here (scripts/fuzz-pipeline.sh builds them).
cmake -G Ninja -S fuzz -B "$dir" -DCMAKE_CXX_COMPILER=clang++-22 -DPEX_FUZZ_PIPELINE=OFF >/dev/null
ninja -C "$dir"
mkdir -p "$dir/corpus" "$dir/artifacts"
for model in $("$python" python/tools/pex-tflite-gen --list | sed -n 's/^models: //p'); do
  "$python" python/tools/pex-tflite-gen "$model" -o "$dir/corpus/$model.tflite"
done
"$python" python/tools/pex-tflite-gen --corrupt all -o "$dir/corpus"
# Slow by design (it exhausts the decoding budget); keep it out of the seeds.
rm -f "$dir/corpus/amplification.tflite"
models=${PEX_MLPERF_TINY_DIR:-../shared/models/mlperf-tiny}
if [ -d "$models" ]; then
  for model in "$models"/*/model.tflite; do
    cp "$model" "$dir/corpus/mlperf-$(basename "$(dirname "$model")").tflite"
  done
fi
# libFuzzer writes fuzz-<job>.log files to the working directory.
cd "$dir"
exec bin/pex-tflite-fuzzer -max_total_time="$seconds" -jobs="$jobs" \
  -workers="$jobs" -timeout=20 -rss_limit_mb=2048 -artifact_prefix=artifacts/ \
  corpus
