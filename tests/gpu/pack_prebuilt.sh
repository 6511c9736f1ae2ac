#!/usr/bin/env bash
# Packs the GPU checks' binaries from a release tree built here into build/gpu, for a GPU machine that has the
# driver, CUDA and PyTorch but not hotpath's build dependencies (the device tool's machines). The shared
# libraries they need beyond glibc, libstdc++ and CUDA's go to build/gpu/lib, found through an $ORIGIN rpath
# (patchelf), so that nothing needs LD_LIBRARY_PATH and the traced process loads the injection library as is.
# Usage: tests/gpu/pack_prebuilt.sh [RELEASE_TREE]   (default build/rel, configured with nvcc; see
# run_device_checks.sh). Then run tests/gpu/run_device_checks.sh there with build/gpu carried.
set -euo pipefail
cd "$(dirname "$0")/../.."
SRC=${1:-build/rel}
DST=build/gpu
command -v patchelf >/dev/null || { echo "pack_prebuilt: needs patchelf (apt-get install patchelf)" >&2; exit 1; }
ninja -C "$SRC" hotpath hotpath_inject capture_schedule capture_check
rm -rf "$DST" && mkdir -p "$DST/lib" "$DST/tests/gpu"
cp "$SRC/hotpath" "$SRC/libhotpath_inject.so" "$DST/"
cp "$SRC/tests/gpu/capture_schedule" "$SRC/tests/gpu/capture_check" "$DST/tests/gpu/"
strip --strip-unneeded "$DST/hotpath" "$DST/libhotpath_inject.so" "$DST/tests/gpu/capture_check"
# Everything the binaries link beyond the C and C++ runtimes and CUDA (GL too: a GPU server may have no libglvnd).
skip='^(linux-vdso|ld-linux|libc\.|libm\.|libstdc\+\+|libgcc_s|libpthread|libdl\.|librt\.|libcuda|libcupti|libnvidia)'
for bin in "$DST/hotpath" "$DST/libhotpath_inject.so" "$DST/tests/gpu/capture_check"; do
  ldd "$bin" | awk '$3 ~ /^\// {print $1, $3}' | while read -r name path; do
    [[ $name =~ $skip ]] || cp -Ln "$path" "$DST/lib/$name"
  done
done
patchelf --set-rpath '$ORIGIN/lib' "$DST/hotpath"
# libcupti: the toolkit's usual places; run_device_checks.sh adds the one it finds to LD_LIBRARY_PATH.
patchelf --set-rpath '$ORIGIN/lib:/usr/local/cuda/lib64:/usr/local/cuda/extras/CUPTI/lib64' "$DST/libhotpath_inject.so"
patchelf --set-rpath '$ORIGIN/../../lib' "$DST/tests/gpu/capture_check"
for lib in "$DST"/lib/*; do patchelf --set-rpath '$ORIGIN' "$lib"; done
# The newest glibc symbol version each binary asks for, to compare with the GPU machine's glibc.
for f in "$DST/hotpath" "$DST/libhotpath_inject.so" "$DST"/tests/gpu/* "$DST"/lib/*; do
  printf '%s: %s\n' "${f#$DST/}" "$(objdump -T "$f" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)"
done
du -sh "$DST"
