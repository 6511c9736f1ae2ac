#include <catch2/catch.hpp>
#include <random>

#include "support/run_maker.h"
#include "views/timeline/lod_layout.h"

using namespace hp;
using test::SliceSpec;

namespace {

// Many slices at depth 0, some with children at depth 1.
Run random_run(uint32_t seed, int n) {
  std::mt19937 rng(seed);
  std::vector<SliceSpec> specs;
  Ns t = 0;
  for (int i = 0; i < n; ++i) {
    t += std::uniform_int_distribution<Ns>(0, 2000)(rng);
    Ns dur = std::uniform_int_distribution<int>(0, 9)(rng) == 0
                 ? std::uniform_int_distribution<Ns>(5'000, 90'000)(rng)
                 : std::uniform_int_distribution<Ns>(1, 500)(rng);
    specs.push_back({0, t, dur, "s" + std::to_string(i % 7), 0});
    if (dur > 4) specs.push_back({0, t + 1, dur / 2, "child", 1});
    t += dur;
  }
  return test::make_run(specs);
}

}  // namespace

TEST_CASE("folded counts account for every visible slice exactly once (brute force)") {
  for (uint32_t seed : {1u, 2u, 3u}) {
    Run run = random_run(seed, 20'000);
    TimelineIndex idx = TimelineIndex::build(run);
    REQUIRE(idx.lanes.size() == 1);
    const auto& lane = idx.lanes[0];
    auto [lo, hi] = run.span();
    for (TimeWindow view : {TimeWindow{lo, hi}, TimeWindow{lo + (hi - lo) / 3, lo + (hi - lo) / 2},
                            TimeWindow{lo + (hi - lo) / 2, lo + (hi - lo) / 2 + 200'000}}) {
      LodParams p{view, 1920, 3, 255};
      std::vector<LodItem> items;
      layout_lane(run, lane, p, items);
      uint64_t counted = 0, brute = 0;
      for (const auto& it : items)
        if (it.depth == 0) counted += it.count;
      for (uint32_t id : lane.by_depth[0])
        brute += run.slices.end(id) >= view.t0 && run.slices.start[id] < view.t1;
      CHECK(counted == brute);
      // Frame cost is bounded by pixels: at most one item per min_px per depth (plus edges).
      size_t depth0 = std::count_if(items.begin(), items.end(), [](auto& i) { return i.depth == 0; });
      CHECK(depth0 <= static_cast<size_t>(1920 / 3 * 2 + 4));
      // Nothing beneath a fold: each depth-1 item lies inside an unfolded depth-0 slice.
      for (const auto& it : items) {
        if (it.depth != 1) continue;
        Ns s = run.slices.start[it.slice];
        bool under_slice = false;
        for (const auto& parent : items)
          if (parent.depth == 0 && !parent.folded() && run.slices.start[parent.slice] <= s &&
              s <= run.slices.end(parent.slice))
            under_slice = true;
        CHECK(under_slice);
      }
    }
  }
}

TEST_CASE("wide slices are drawn individually, narrow neighbours fold") {
  // 1000 ns window at 100 px: 10 ns per px, so min 3 px = 30 ns.
  Run run = test::make_run({{0, 0, 200, "wide"},
                            {0, 300, 5, "a"},
                            {0, 310, 5, "b"},
                            {0, 320, 5, "c"},
                            {0, 600, 5, "lonely"},
                            {0, 0, 100, "child", 1}});
  TimelineIndex idx = TimelineIndex::build(run);
  std::vector<LodItem> items;
  layout_lane(run, idx.lanes[0], {{0, 1000}, 100, 3, 255}, items);
  REQUIRE(items.size() == 4);
  CHECK(run.str(run.slices.name[items[0].slice]) == "wide");
  CHECK(items[0].x0 == Approx(0));
  CHECK(items[0].x1 == Approx(20));
  CHECK(items[1].count == 3);  // a, b, c fold together
  CHECK(items[1].x0 == Approx(30));
  CHECK(items[2].count == 1);  // lonely: too small but alone, drawn at minimum width
  CHECK(items[2].x1 - items[2].x0 == Approx(3));
  CHECK(items[3].depth == 1);
}

TEST_CASE("hit testing picks the slice under the cursor at each depth") {
  Run run = test::make_run({{0, 100, 100, "A"}, {0, 300, 50, "B"}, {0, 120, 30, "A.child", 1}});
  TimelineIndex idx = TimelineIndex::build(run);
  const auto& lane = idx.lanes[0];
  CHECK(run.str(run.slices.name[hit_test(run, lane, 0, 150, 0)]) == "A");
  CHECK(run.str(run.slices.name[hit_test(run, lane, 0, 320, 0)]) == "B");
  CHECK(hit_test(run, lane, 0, 250, 0) == kNone);
  CHECK(run.str(run.slices.name[hit_test(run, lane, 0, 297, 5)]) == "B");  // within slop
  CHECK(run.str(run.slices.name[hit_test(run, lane, 1, 125, 0)]) == "A.child");
  CHECK(hit_test(run, lane, 1, 180, 0) == kNone);
  CHECK(hit_test(run, lane, 2, 125, 0) == kNone);
}
