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

TEST_CASE("flame: numbered module instances merge into one node (issue 22)", "[analysis][flame]") {
  CHECK(numbered_stem("nn.Module: TransformerBlock_12") == "nn.Module: TransformerBlock");
  CHECK(numbered_stem("Block_0") == "Block");
  CHECK(numbered_stem("aten::mm") == "aten::mm");
  CHECK(numbered_stem("linear.py(234): apply_2") == "linear.py(234): apply_2");  // not an identifier
  CHECK(numbered_stem("_7") == "_7");
  Run run = test::make_run({{0, 0, 100, "nn.Module: TransformerBlock_0"},
                            {0, 10, 30, "aten::mm", 1},
                            {0, 200, 100, "nn.Module: TransformerBlock_1"},
                            {0, 210, 20, "aten::mm", 1},
                            {0, 400, 50, "nn.Module: TransformerBlock_2"}});
  FlameTree apart = build_flame_tree(run);
  CHECK(apart.nodes[0].children.size() == 3);
  FlameTree merged = build_flame_tree(run, {true});
  REQUIRE(merged.nodes[0].children.size() == 1);
  const FlameNode& block = merged.nodes[merged.nodes[0].children[0]];
  CHECK(block.merged);
  CHECK(flame_label(run, block) == "nn.Module: TransformerBlock_*");
  CHECK(block.count == 3);
  CHECK(block.cpu_time == 250);
  REQUIRE(block.children.size() == 1);
  CHECK(merged.nodes[block.children[0]].cpu_time == 50);  // aten::mm of both blocks adds up
  CHECK(merged.nodes[block.children[0]].count == 2);
}
