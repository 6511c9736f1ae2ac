// Checks a capture of tests/gpu/capture_schedule.cu against its known schedule, exactly:
// capture_check RUN.hotpath REPS. Prints one line per check and exits 1 if any failed.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <string>

#include "core/analysis/cuda_graphs.h"
#include "core/analysis/slice_parents.h"
#include "core/store/run_file.h"

using namespace hp;

namespace {

int failures = 0;

void expect(const std::string& what, uint64_t got, uint64_t want) {
  const bool ok = got == want;
  failures += !ok;
  std::printf("%s %-58s got %llu, want %llu\n", ok ? "ok  " : "FAIL", what.c_str(),
              static_cast<unsigned long long>(got), static_cast<unsigned long long>(want));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: capture_check RUN.hotpath REPS\n");
    return 2;
  }
  const uint64_t reps = std::strtoull(argv[2], nullptr, 10);
  auto run = open_run(argv[1]);
  const Run& r = *run;
  using Cfg = std::pair<std::array<uint32_t, 3>, std::array<uint32_t, 3>>;
  std::map<Cfg, uint64_t> kernels;
  std::map<Cfg, std::set<uint32_t>> kernel_tracks;
  std::map<std::string, uint64_t> copies, nvtx;
  uint64_t unlinked = 0, syncs = 0, memset_bytes = 0;
  for (size_t g = 0; g < r.gpu.size(); ++g) {
    const uint32_t s = r.gpu.slice[g];
    const SliceKind k = r.slices.kind[s];
    if (k == SliceKind::Kernel) {
      Cfg c{r.gpu.launch[g].grid, r.gpu.launch[g].block};
      ++kernels[c];
      kernel_tracks[c].insert(r.slices.track[s]);
    } else if (k == SliceKind::Memcpy) {
      ++copies[std::string(r.str(r.slices.name[s])) + " " + std::to_string(r.gpu.launch[g].bytes)];
    } else if (k == SliceKind::Memset) {
      ++copies["memset"];
      memset_bytes += r.gpu.launch[g].bytes;
    } else if (k == SliceKind::Sync) {
      ++syncs;
    }
    if (k != SliceKind::Sync && r.gpu.launch_slice[g] == kNone) ++unlinked;
  }
  const Cfg a{{64, 1, 1}, {128, 1, 1}}, b{{32, 2, 1}, {256, 1, 1}}, gk{{16, 1, 1}, {64, 1, 1}};
  expect("kernels grid (64,1,1) block (128,1,1) on stream A", kernels[a], 10 * reps);
  expect("kernels grid (32,2,1) block (256,1,1) on stream B", kernels[b], 10 * reps);
  expect("graph kernels grid (16,1,1) block (64,1,1)", kernels[gk], 15 * reps);
  expect("kernel configurations", kernels.size(), 3);
  expect("GPU tracks of the stream A kernels", kernel_tracks[a].size(), 1);
  expect("GPU tracks of the stream B kernels", kernel_tracks[b].size(), 1);
  expect("streams A and B on different tracks", *kernel_tracks[a].begin() != *kernel_tracks[b].begin(), 1);
  expect("Memcpy HtoD (Pinned -> Device) of 1048576 bytes", copies["Memcpy HtoD (Pinned -> Device) 1048576"],
         3 * reps);
  expect("Memcpy DtoH (Device -> Pinned) of 4096 bytes", copies["Memcpy DtoH (Device -> Pinned) 4096"],
         2 * reps);
  expect("memsets", copies["memset"], reps);
  expect("memset bytes", memset_bytes, 65536 * reps);
  expect("GPU activities without their launching API call", unlinked, 0);
  std::printf("info %llu synchronization records\n", static_cast<unsigned long long>(syncs));

  CudaGraphs graphs = find_cuda_graphs(r, slice_parents(r));
  expect("cudaGraphLaunch calls with their replayed kernels", graphs.launches.size(), 5 * reps);
  uint64_t three = 0;
  for (const auto& l : graphs.launches) three += l.kernels == 3;
  expect("graph launches replaying exactly 3 kernels", three, 5 * reps);

  // NVTX: counts, and every "kernels" / "copies" range nested inside "schedule" on its thread.
  uint32_t schedule = kNone;
  for (uint32_t s = 0; s < r.slices.size(); ++s)
    if (r.slices.kind[s] == SliceKind::Nvtx) {
      ++nvtx[std::string(r.str(r.slices.name[s]))];
      if (r.str(r.slices.name[s]) == "schedule") schedule = s;
    }
  expect("NVTX ranges \"schedule\"", nvtx["schedule"], 1);
  expect("NVTX ranges \"kernels\"", nvtx["kernels"], reps);
  expect("NVTX ranges \"copies\"", nvtx["copies"], reps);
  expect("NVTX start/end ranges \"graph\"", nvtx["graph"], reps);
  uint64_t nested = 0;
  if (schedule != kNone)
    for (uint32_t s = 0; s < r.slices.size(); ++s) {
      const auto n = r.str(r.slices.name[s]);
      if (r.slices.kind[s] == SliceKind::Nvtx && (n == "kernels" || n == "copies") &&
          r.slices.track[s] == r.slices.track[schedule] &&
          r.slices.depth[s] == r.slices.depth[schedule] + 1 &&
          r.slices.start[s] >= r.slices.start[schedule] && r.slices.end(s) <= r.slices.end(schedule))
        ++nested;
    }
  expect("\"kernels\" and \"copies\" nested one level inside \"schedule\"", nested, 2 * reps);
  expect("records lost in the target (capture.dropped warnings)", r.log.count("capture.dropped"), 0);
  expect("sources with an epoch base", r.sources.size() == 1 && r.sources[0].base_time_ns > 0, 1);
  std::printf("%s: %d check(s) failed\n", failures ? "FAIL" : "PASS", failures);
  return failures ? 1 : 0;
}
