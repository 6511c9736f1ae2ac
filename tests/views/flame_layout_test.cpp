#include <catch2/catch.hpp>

#include "views/flame_layout.h"

using namespace hp;

TEST_CASE("flame layout nests children inside parents proportionally and skips sub-pixel nodes") {
  FlameTree t;
  t.nodes.resize(5);
  t.nodes[0].cpu_time = 1000;
  t.nodes[0].children = {1, 2};
  t.nodes[1] = {1, 0, 0, 1, 600, 0, {3, 4}};
  t.nodes[2] = {2, 0, 0, 1, 400, 100, {}};
  t.nodes[3] = {3, 1, 1, 1, 300, 0, {}};
  t.nodes[4] = {4, 1, 1, 1, 1, 0, {}};  // 1 ns of 1000 at 1000 px = 1 px < 2 px: skipped
  auto rects = layout_flame(t, 0, FlameMetric::Cpu, 1000, 2);
  REQUIRE(rects.size() == 4);
  auto find = [&](uint32_t n) {
    for (auto& r : rects)
      if (r.node == n) return r;
    FAIL("node missing");
    return rects[0];
  };
  CHECK(find(1).x0 == Approx(0));
  CHECK(find(1).x1 == Approx(600));
  CHECK(find(2).x0 == Approx(600));
  CHECK(find(3).level == 2);
  CHECK(find(3).x1 == Approx(300));
  // Zoomed to node 1 in GPU mode: node 1 has no GPU time, so nothing to show.
  CHECK(layout_flame(t, 1, FlameMetric::Gpu, 1000).empty());
  auto gpu = layout_flame(t, 2, FlameMetric::Gpu, 500);
  REQUIRE(gpu.size() == 1);
  CHECK(gpu[0].x1 == Approx(500));
}
