#!/usr/bin/env bash
# The README's two commands:
#   bash .ci/quickstart.sh run    install what is missing, build (release), open the bundled sample
#   bash .ci/quickstart.sh test   install what is missing, build (ASan+UBSan), run the whole suite
set -euo pipefail
cd "$(dirname "$0")/.."
job=${1:-}
case "$job" in
  run | test) ;;
  *)
    echo "usage: bash .ci/quickstart.sh run|test" >&2
    exit 2
    ;;
esac

bash .ci/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
sample=assets/samples/vllm_b200_tp8_eager_rank0.pt.trace.json.gz

if [ "$job" = run ]; then
  cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DHOTPATH_TESTS=OFF >/dev/null
  cmake --build build/release -j "$jobs"
  # With no display, hotpath says so and prints the sample's text report instead.
  exec ./build/release/hotpath "$sample"
fi

# -g1: line tables are all the sanitizers' reports need (full -g costs a sixth of the build).
cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DHOTPATH_SANITIZE=ON \
  -DHOTPATH_BENCH=OFF >/dev/null
cmake --build build/asan -j "$jobs"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/support/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd build/asan
ctest --output-on-failure -j "$jobs"
