#include <catch2/catch.hpp>
#include <map>
#include <random>

#include "core/analysis/range_stats.h"
#include "support/run_maker.h"

using namespace hp;
using test::SliceSpec;

TEST_CASE("range statistics: clipped totals, self time and GPU busy by hand") {
  // CPU: A [0,100) with child B [10,40); kernels on a GPU track: [20,50) and [40,80) overlap.
  Run run = test::make_run({{0, 0, 100, "A"},
                            {0, 10, 30, "B", 1},
                            {1, 20, 30, "k1", 0, 0, SliceKind::Kernel},
                            {1, 60, 20, "k2", 0, 0, SliceKind::Kernel},
                            {2, 45, 20, "k3", 0, 0, SliceKind::Kernel}});
  RangeStats st = range_stats(run, 30, 90);
  std::map<std::string, RangeNameStats> by;
  for (auto& r : st.rows) by[std::string(run.str(r.name))] = r;
  CHECK(by["A"].total == 60);
  CHECK(by["A"].self == 50);  // B overlaps [30,40)
  CHECK(by["B"].total == 10);
  CHECK(by["k1"].total == 20);
  // Mean and percentiles are clipped like Total (issue 22: Count 1, Total 15 ms, Mean 79 ms).
  CHECK(by["k1"].mean == 20);
  CHECK(by["k1"].p50 == 20);
  CHECK(by["A"].mean == by["A"].total);
  CHECK(st.rows.front().name == run.strings.find("A"));
  // GPU union within [30,90): [30,50) + [45,65) + [60,80) = [30,80) = 50
  CHECK(st.gpu_busy == 50);
  CHECK(st.gpu_idle == 10);
}

TEST_CASE("range statistics agree with a brute-force pass on random nested slices") {
  std::mt19937 rng(7);
  std::vector<SliceSpec> specs;
  Ns t = 0;
  for (int i = 0; i < 3000; ++i) {
    Ns dur = std::uniform_int_distribution<Ns>(10, 1000)(rng);
    specs.push_back({0, t, dur, "p" + std::to_string(i % 5)});
    specs.push_back({0, t + 2, dur / 3, "c" + std::to_string(i % 3), 1});
    t += dur + std::uniform_int_distribution<Ns>(0, 50)(rng);
  }
  Run run = test::make_run(specs);
  Ns a = t / 4, b = t / 2;
  RangeStats st = range_stats(run, a, b);
  std::map<StrId, std::pair<uint64_t, Ns>> brute;
  for (size_t i = 0; i < run.slices.size(); ++i) {
    Ns o = std::max<Ns>(0, std::min(run.slices.end(i), b) - std::max(run.slices.start[i], a));
    if (o > 0) brute[run.slices.name[i]].first++, brute[run.slices.name[i]].second += o;
  }
  REQUIRE(st.rows.size() == brute.size());
  Ns self_sum = 0, depth0 = 0;
  for (auto& r : st.rows) {
    CHECK(r.count == brute[r.name].first);
    CHECK(r.total == brute[r.name].second);
    self_sum += r.self;
    if (run.str(r.name)[0] == 'p') depth0 += r.total;
  }
  CHECK(self_sum == depth0);  // self times partition the top-level time
}
