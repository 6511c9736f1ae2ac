#!/usr/bin/env bash
# The GPU half of issue 23's tests (the measurement context), for a machine with an NVIDIA GPU, its driver
# and the build dependencies; PyTorch for `bench`. Run from anywhere in the repository. It builds like
# run_capture_check.sh (same $BUILD), then:
#   1. `doctor` reports the clock policy;
#   2. `lock-clocks` locks the SM clock at its maximum (or says plainly why it cannot), and the run records it;
#   3. a short `capture` of tests/gpu/capture_schedule with NVML tracks: the run file must hold gpu.* series
#      with SM clocks > 0 and a measurement context in `hotpath report`;
#   4. `lock-clocks --reset`;
#   5. `bench` (needs PyTorch): every op has a mean > 0 and a CV.
# Exit 0 only when 1, 3 and (where PyTorch imports) 5 pass; a refused lock (no root) is reported, not failed.
set -uo pipefail
cd "$(dirname "$0")/../.."
BUILD=${BUILD:-build/gpu}
OUT=${OUT:-/tmp/hotpath-gpu-context}
mkdir -p "$OUT"
# HOTPATH_PREBUILT=1: $BUILD already holds the binaries (built elsewhere, see run_device_checks.sh).
if [ -z "${HOTPATH_PREBUILT:-}" ]; then
  if [ ! -f "$BUILD/build.ninja" ]; then
    cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS=-g0 -DHOTPATH_BENCH=OFF \
      -DCUDAToolkit_ROOT=/usr/local/cuda -DCMAKE_CUDA_COMPILER=/usr/local/cuda/bin/nvcc >"$OUT/cmake.log" 2>&1 ||
      { tail -30 "$OUT/cmake.log"; exit 1; }
  fi
  ninja -C "$BUILD" hotpath hotpath_inject capture_schedule >"$OUT/build.log" 2>&1 || { tail -30 "$OUT/build.log"; exit 1; }
fi
HP=$BUILD/hotpath
status=0
fail() { echo "FAIL: $*"; status=1; }

echo "== 1. doctor"
"$HP" doctor | tee "$OUT/doctor.txt"
grep -q "NVML clocks" "$OUT/doctor.txt" || fail "doctor does not report the clock policy"

# KEEP_CLOCKS=1 skips 2 and 4, for a machine whose GPU settings must be left as they are (the device tool's).
echo "== 2. lock-clocks (maximum SM clock)"
if [ -z "${KEEP_CLOCKS:-}" ]; then
  "$HP" lock-clocks --gpu 0 2>&1 | tee "$OUT/lock.txt" || echo "(lock refused: see the message above)"
else
  echo "skipped (KEEP_CLOCKS)"
fi

echo "== 3. capture with NVML tracks"
"$HP" capture -o "$OUT/context.hotpath" -- "$BUILD/tests/gpu/capture_schedule" 200 || fail "capture"
"$HP" report "$OUT/context.hotpath" | tee "$OUT/report.txt" | head -30
grep -q "MEASUREMENT CONTEXT" "$OUT/report.txt" && grep -q " SM " "$OUT/report.txt" || fail "no measurement context with SM clocks in the report header"
"$HP" info "$OUT/context.hotpath" --json >"$OUT/info.json" || fail "info"
python3 - "$OUT/context.hotpath" <<'PY' || status=1
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("""SELECT s.name, count(*), min(m.value), max(m.value) FROM metric_series s
                     JOIN metric_samples m ON m.series_id = s.id WHERE s.name LIKE 'gpu.%' GROUP BY s.id""").fetchall()
meta = dict(db.execute("SELECT key, value FROM serving_meta").fetchall())
print(f"{len(rows)} GPU series; clocks locked: {meta.get('measurement.clocks_locked', '?')}")
for r in rows[:8]: print("  ", r)
sm = [r for r in rows if 'sm_clock' in r[0]]
ok = bool(sm) and all(r[1] >= 2 and r[3] > 0 for r in sm)
print("NVML tracks:", "PASS" if ok else "FAIL (no gpu.*sm_clock series with readings > 0)")
sys.exit(0 if ok else 1)
PY

echo "== 4. lock-clocks --reset"
[ -n "${KEEP_CLOCKS:-}" ] && echo "skipped (KEEP_CLOCKS)" || "$HP" lock-clocks --reset 2>&1 | tee -a "$OUT/lock.txt" || true

echo "== 5. bench"
if python3 -c "import torch; assert torch.cuda.is_available()" 2>/dev/null; then
  "$HP" bench --shapes 64x4096 --repeats 3 -o "$OUT/bench.json" || fail "bench"
  python3 - "$OUT/bench.json" <<'PY' || status=1
import json, sys
j = json.load(open(sys.argv[1]))
print(json.dumps(j, indent=1)[:1500])
PY
else
  echo "PyTorch with CUDA is not importable here: bench must say so and exit 1"
  "$HP" bench -o "$OUT/bench.json"; [ $? = 1 ] || fail "bench without PyTorch did not exit 1"
fi
echo "run_context_check: $([ $status = 0 ] && echo PASS || echo FAIL)"
exit $status
