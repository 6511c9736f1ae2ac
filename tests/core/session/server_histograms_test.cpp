#include "core/session/server_histograms.h"

#include <catch2/catch.hpp>

#include "core/session/session_builder.h"
#include "core/util/assets.h"

using namespace hp;
using namespace hp::serving;

TEST_CASE("server histograms: bucket increases over a window, percentiles in ms", "[server_histograms]") {
  std::string err;
  const MetricMap map = MetricMap::load((assets_dir() / "metric_map.json").string(), &err);
  REQUIRE(err.empty());
  ServingData d;
  d.meta["engine"] = "vllm";
  const int64_t t0 = 1'700'000'000'000'000'000, s = 1'000'000'000;
  // Two engines; cumulative counts at 0 s, 10 s and 20 s. Between 0 and 20 s the summed increases
  // are le=0.1: 40, le=0.2: 80, le=+Inf: 100.
  auto bucket = [&](const char* engine, const char* le, std::vector<double> v) {
    MetricSeries m;
    m.key.name = "vllm:time_to_first_token_seconds_bucket";
    m.key.labels = {{"engine", engine}, {"le", le}};
    for (size_t i = 0; i < v.size(); ++i) m.samples.push_back({t0 + static_cast<int64_t>(i) * 10 * s, v[i]});
    d.metrics.push_back(std::move(m));
  };
  bucket("0", "0.1", {5, 20, 25});
  bucket("0", "0.2", {5, 40, 55});
  bucket("0", "+Inf", {5, 50, 65});
  bucket("1", "0.1", {0, 10, 20});
  bucket("1", "0.2", {0, 20, 30});
  bucket("1", "+Inf", {0, 30, 40});
  SessionBuilder b;
  b.add_serving(std::move(d), SourceKind::Capture, "run");
  auto session = b.finish();
  auto all = server_histograms(*session, map);
  REQUIRE(all.size() == 1);
  const ServerHistogram& h = all[0];
  CHECK(h.metric == LatencyMetric::Ttft);
  CHECK(h.family == "vllm:time_to_first_token_seconds");
  CHECK(h.count == 100);
  REQUIRE(h.buckets.size() == 3);
  CHECK(h.buckets[0].le == Approx(100));  // ms
  CHECK(h.buckets[0].count == 40);
  // p50: rank 50 in (0.1, 0.2] holding 40 of them: 100 + 100 * 10/40 = 125 ms.
  CHECK(h.p50 == Approx(125));
  // p90: rank 90 in +Inf: the highest finite bound, 200 ms.
  CHECK(h.p90 == Approx(200));
  // Only the first 10 s: increases 25 (le 0.1), 55, 75.
  const Ns begin = session->series.ts[session->series.info[0].begin];
  auto first = server_histograms(*session, map, begin, begin + 10 * s);
  REQUIRE(first.size() == 1);
  CHECK(first[0].count == 75);
  CHECK(first[0].p50 == Approx(100 + 100 * (37.5 - 25) / 30));
}
