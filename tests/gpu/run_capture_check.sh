#!/usr/bin/env bash
# The GPU half of `hotpath capture`'s tests. Run from anywhere in the repository on a machine with an
# NVIDIA GPU and its driver, the CUDA toolkit (nvcc, CUPTI in /usr/local/cuda) and the build
# dependencies (.ci/install-deps.sh). It builds (Release, $BUILD), captures the known schedule of
# tests/gpu/capture_schedule.cu and checks its exact counts, sizes, graph replays and NVTX nesting
# (tests/gpu/capture_check.cpp), once at 1 repetition and once at $REPS, and prints the capture's
# overhead against a plain run of the same $REPS. Exit 0 only when every check passed.
# Environment: BUILD (build/gpu), REPS (2000), OUT (where run files and logs go; /tmp/hotpath-gpu-check).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/gpu}
REPS=${REPS:-2000}
OUT=${OUT:-/tmp/hotpath-gpu-check}
mkdir -p "$OUT"
nvidia-smi -L
# HOTPATH_PREBUILT=1: $BUILD already holds the binaries (built elsewhere, see run_device_checks.sh).
if [ -z "${HOTPATH_PREBUILT:-}" ]; then
  if [ ! -f "$BUILD/build.ninja" ]; then
    cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS=-g0 -DHOTPATH_BENCH=OFF \
      -DCUDAToolkit_ROOT=/usr/local/cuda -DCMAKE_CUDA_COMPILER=/usr/local/cuda/bin/nvcc >"$OUT/cmake.log" 2>&1 ||
      { tail -30 "$OUT/cmake.log"; exit 1; }
  fi
  ninja -C "$BUILD" hotpath hotpath_inject capture_schedule capture_check >"$OUT/build.log" 2>&1 ||
    { tail -30 "$OUT/build.log"; exit 1; }
fi
HP=$BUILD/hotpath
SCHED=$BUILD/tests/gpu/capture_schedule
CHECK=$BUILD/tests/gpu/capture_check
"$HP" doctor || true

now_ms() { echo $(($(date +%s%N) / 1000000)); }
status=0
echo "== exact schedule, 1 repetition"
"$HP" capture -o "$OUT/one.hotpath" -- "$SCHED" 1
"$CHECK" "$OUT/one.hotpath" 1 || status=1

echo "== overhead: $REPS repetitions, plain then captured (wall time includes CUDA init and exit)"
"$SCHED" 10 >/dev/null  # warm the driver and the page cache
t0=$(now_ms)
plain=$("$SCHED" "$REPS")
t1=$(now_ms)
captured=$("$HP" capture -o "$OUT/reps.hotpath" -- "$SCHED" "$REPS" | tail -1)
t2=$(now_ms)
echo "plain:    $plain; wall $((t1 - t0)) ms"
echo "captured: $captured; wall $((t2 - t1)) ms (with hotpath's save)"
p_ms=$(sed -n 's/.* in \([0-9.]*\) ms/\1/p' <<<"$plain")
c_ms=$(sed -n 's/.* in \([0-9.]*\) ms/\1/p' <<<"$captured")
awk -v p="$p_ms" -v c="$c_ms" -v pw=$((t1 - t0)) -v cw=$((t2 - t1)) 'BEGIN {
  printf "overhead: schedule time x%.3f (%.1f%%), wall x%.3f\n", c / p, 100 * (c - p) / p, cw / pw }'
"$CHECK" "$OUT/reps.hotpath" "$REPS" | tail -4 || status=1  # pipefail: the checker's status
ls -la "$OUT"/*.hotpath
echo "run_capture_check: $([ $status = 0 ] && echo PASS || echo FAIL)"
exit $status
