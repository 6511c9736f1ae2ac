#!/usr/bin/env bash
# Every GPU check in one short run, for a lent GPU machine without hotpath's build dependencies: build and pack
# here (tests/gpu/pack_prebuilt.sh), carry build/gpu, and run this there from the repository root, e.g.
#   run(command="OUT=$OUT bash tests/gpu/run_device_checks.sh", carry=["build/gpu"])
# Steps, each under its own time limit: the machine; the exact-count capture check and its overhead
# (run_capture_check.sh); the measurement context (run_context_check.sh); `hotpath capture` of a PyTorch
# workload (cuBLAS, a CUDA graph, NVTX) against a plain run of it; a torch.profiler trace of the same workload,
# imported by hotpath. Results and logs go to $OUT. Exit 0 only when every step passed.
set -uo pipefail
cd "$(dirname "$0")/../.."
export BUILD=${BUILD:-build/gpu} HOTPATH_PREBUILT=1
OUT=${OUT:-/tmp/hotpath-device}
mkdir -p "$OUT"
status=0
step() {  # step NAME SECONDS: run the function NAME, log to $OUT/NAME.log, report
  local name=$1 limit=$2 t0=$SECONDS rc
  echo "== $name"
  export -f "$name"
  timeout "$limit" bash -c "$name" >"$OUT/$name.log" 2>&1
  rc=$?
  tail -n 25 "$OUT/$name.log"
  echo "== $name: rc $rc in $((SECONDS - t0)) s"
  [ $rc = 0 ] || status=1
}

echo "== machine"
nvidia-smi --query-gpu=name,driver_version,clocks.max.sm --format=csv,noheader
ldd --version | head -1
python3 -c "import torch; print('torch', torch.__version__, 'cuda', torch.version.cuda)" 2>&1 | tail -1
cupti=$(ls /usr/local/cuda/extras/CUPTI/lib64/libcupti.so /usr/local/cuda/lib64/libcupti.so \
  /usr/local/cuda/targets/*/lib/libcupti.so 2>/dev/null | head -1)
[ -n "$cupti" ] || cupti=$(python3 -c "import nvidia.cuda_cupti, os; \
print(os.path.join(nvidia.cuda_cupti.__path__[0], 'lib', 'libcupti.so.13'))" 2>/dev/null || true)
echo "libcupti: ${cupti:-not found}"
if [ -n "$cupti" ]; then
  export HOTPATH_CUPTI_LIBRARY=$cupti LD_LIBRARY_PATH=$(dirname "$cupti")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
fi
"$BUILD/hotpath" --version || { ldd "$BUILD/hotpath" | grep -i "not found"; exit 1; }

export OUT
capture_check() { OUT=$OUT/capture bash tests/gpu/run_capture_check.sh; }
# The lent machine's clocks are not ours to lock: KEEP_CLOCKS.
context_check() { OUT=$OUT/context KEEP_CLOCKS=1 bash tests/gpu/run_context_check.sh; }
step capture_check 150
step context_check 120

torch_capture() {
  python3 tests/gpu/torch_workload.py --steps 5 >/dev/null  # warm the page cache and the driver
  # Plain and captured in turn, 3 rounds: the step time is the workload's own figure.
  for round in 1 2 3; do
    echo "round $round: plain $(python3 tests/gpu/torch_workload.py --steps 200 | grep -o 'in [0-9.]* ms')," \
      "captured $("$BUILD/hotpath" capture -o "$OUT/torch.hotpath" -- python3 tests/gpu/torch_workload.py --steps 200 \
        2>/dev/null | grep -o 'in [0-9.]* ms')"
  done
  "$BUILD/hotpath" info "$OUT/torch.hotpath" | head -8 || return 1
  "$BUILD/hotpath" report "$OUT/torch.hotpath" | grep -A3 "Launch stats"
  "$BUILD/hotpath" triage "$OUT/torch.hotpath" | head -12
}
step torch_capture 200

torch_trace() {
  python3 tests/gpu/torch_workload.py --steps 10 --profile "$OUT/h200_torch_workload.pt.trace.json" || return 1
  gzip -9f "$OUT/h200_torch_workload.pt.trace.json"
  "$BUILD/hotpath" info "$OUT/h200_torch_workload.pt.trace.json.gz" || return 1
  "$BUILD/hotpath" triage "$OUT/h200_torch_workload.pt.trace.json.gz" | head -30
}
step torch_trace 90
echo "run_device_checks: $([ $status = 0 ] && echo PASS || echo FAIL)"
exit $status
