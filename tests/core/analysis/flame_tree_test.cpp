#include <catch2/catch.hpp>

#include "core/analysis/flame_tree.h"
#include "support/run_maker.h"

using namespace hp;

namespace {

Run launch_run() {
  Run run = test::make_run({{0, 0, 100, "A"},
                            {0, 10, 30, "B", 1},
                            {0, 15, 5, "cudaLaunchKernel", 2, 0, SliceKind::Runtime},
                            {0, 200, 100, "A"},
                            {0, 210, 20, "B", 1},
                            {0, 220, 2, "cudaLaunchKernel", 2, 0, SliceKind::Runtime},
                            {1, 30, 50, "gemm", 0, 0, SliceKind::Kernel},
                            {1, 240, 7, "orphan", 0, 0, SliceKind::Kernel}});
  run.tracks[1].kind = TrackKind::GpuStream;
  run.api.slice = {2, 5};
  run.api.correlation = {1, 2};
  run.gpu.slice = {6, 7};
  run.gpu.launch_slice = {2, kNone};
  return run;
}

const FlameNode& path(const Run& run, const FlameTree& t, std::vector<std::string> names) {
  uint32_t n = 0;
  for (const auto& name : names) {
    uint32_t next = kNone;
    for (uint32_t c : t.nodes[n].children)
      if (run.str(t.nodes[c].name) == name) next = c;
    REQUIRE(next != kNone);
    n = next;
  }
  return t.nodes[n];
}

}  // namespace

TEST_CASE("flame tree merges by name per level and attributes GPU time to the launching ops") {
  Run run = launch_run();
  FlameTree t = build_flame_tree(run);
  CHECK(t.nodes[0].children.size() == 1);  // GPU tracks are not CPU frames
  const FlameNode& a = path(run, t, {"A"});
  CHECK(a.count == 2);
  CHECK(a.cpu_time == 200);
  CHECK(a.gpu_time == 50);
  const FlameNode& b = path(run, t, {"A", "B"});
  CHECK(b.count == 2);
  CHECK(b.cpu_time == 50);
  const FlameNode& l = path(run, t, {"A", "B", "cudaLaunchKernel"});
  CHECK(l.count == 2);
  CHECK(l.cpu_time == 7);
  CHECK(l.gpu_time == 50);
  CHECK(l.depth == 2);
  CHECK(t.nodes[0].gpu_time == 50);
  CHECK(t.nodes[0].cpu_time == 200);
  CHECK(t.unattributed_gpu == 7);
}
