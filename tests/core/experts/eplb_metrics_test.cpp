// SGLang eplb Prometheus series: the documented-shape scrape of tests/data/PROVENANCE.md
// (metrics/sglang_eplb_metrics_documented_shape.prom) and hand-made multi-scrape series.
#include <catch2/catch.hpp>

#include "core/analysis/expert_balance.h"
#include "core/experts/eplb_metrics.h"
#include "core/experts/load_experts.h"
#include "core/model/load_status.h"

using namespace hp::experts;
using hp::serving::MetricSeries;

namespace {

const std::string kProm = HOTPATH_TEST_DATA "/metrics/sglang_eplb_metrics_documented_shape.prom";

MetricSeries bucket(const std::string& layer, const std::string& le,
                    std::vector<std::pair<int64_t, double>> pts) {
  MetricSeries s;
  s.key.name = "sglang:eplb_gpu_physical_count_bucket";
  s.key.labels = {{"layer", layer}, {"le", le}};
  for (auto [t, v] : pts) s.samples.push_back({t, v});
  return s;
}

}  // namespace

TEST_CASE("eplb metrics: one scrape de-cumulates the rank buckets", "[experts][eplb_metrics]") {
  ExpertLoad l = load_expert_input(kProm);
  CHECK(l.format == "sglang-eplb-metrics");
  CHECK(l.columns_are_ranks);
  CHECK(l.layer_ids == std::vector<int64_t>{3, 4, 5});
  CHECK(l.experts == 4);
  CHECK(l.counts == std::vector<int64_t>{100, 150, 50, 180, 120, 120, 120, 120, 200, 0, 100, 100});
  CHECK(l.pass_counts.empty());
  REQUIRE(l.warnings.size() == 1);
  CHECK(l.warnings[0].rfind("1 bucket values below the bucket before them", 0) == 0);
  REQUIRE(l.balance.size() == 1);
  CHECK(l.balance[0].balancedness == Approx(52.0 / 60.0));
  const hp::ExpertBalance b = hp::expert_balance(l, 4);
  CHECK(b.layers[0].balancedness == Approx(120.0 / 180.0));
  CHECK(b.layers[1].balancedness == Approx(1.0));
  CHECK(b.layers[2].balancedness == Approx(0.5));
}

TEST_CASE("eplb metrics: scrapes give per-interval loads, a range, resets", "[experts][eplb_metrics]") {
  // Layer 7, 2 ranks, scrapes at t = 10, 20, 30; the server restarted before t = 30.
  std::vector<MetricSeries> s = {bucket("7", "0", {{10, 5}, {20, 15}, {30, 4}}),
                                 bucket("7", "1", {{10, 10}, {20, 40}, {30, 6}}),
                                 bucket("7", "+Inf", {{10, 10}, {20, 40}, {30, 6}})};
  MetricSeries bsum, bcount;
  bsum.key.name = "sglang:eplb_balancedness_sum";
  bcount.key.name = "sglang:eplb_balancedness_count";
  bsum.samples = {{10, 1.0}, {20, 2.5}, {30, 3.4}};
  bcount.samples = {{10, 2}, {20, 4}, {30, 5}};
  s.push_back(bsum);
  s.push_back(bcount);
  auto l = eplb_from_series(s, "run.hotpath");
  REQUIRE(l);
  CHECK(l->experts == 2);
  // t10->t20: ranks {10, 20}; t20->t30 fell: read as a restart, {4, 2}.
  REQUIRE(l->pass_counts.size() == 2);
  CHECK(l->pass_counts[0] == std::vector<int64_t>{10, 20});
  CHECK(l->pass_counts[1] == std::vector<int64_t>{4, 2});
  CHECK(l->pass_ts_ns == std::vector<int64_t>{20, 30});
  CHECK(l->counts == std::vector<int64_t>{14, 22});
  REQUIRE(l->warnings.size() == 1);
  CHECK(l->warnings[0] == "2 rank counts fell between scrapes (a restart?)");
  REQUIRE(l->balance.size() == 2);
  CHECK(l->balance[0].balancedness == Approx(0.75));
  CHECK(l->balance[1].balancedness == Approx(0.9));
  // The selected range of the panel: only the interval that ends at t = 30.
  ExpertLoad part = passes_in_range(*l, 25, 30);
  CHECK(part.counts == std::vector<int64_t>{4, 2});
  CHECK(part.pass_ts_ns == std::vector<int64_t>{30});
  REQUIRE(part.balance.size() == 1);
  CHECK(part.balance[0].balancedness == Approx(0.9));
  // A range: only t = 10..20.
  auto r = eplb_from_series(s, "run.hotpath", 10, 20);
  REQUIRE(r);
  CHECK(r->counts == std::vector<int64_t>{10, 20});
  CHECK(r->warnings.empty());
  CHECK_FALSE(eplb_from_series({}, "none"));
  CHECK_THROWS_WITH(eplb_from_series({bucket("7", "rank0", {{1, 1}})}, "bad.prom"),
                    Catch::Contains("bad.prom") && Catch::Contains("le=\"rank0\" is not a GPU rank"));
}
