#include "views/latency_model.h"

#include <catch2/catch.hpp>

using namespace hp;

TEST_CASE("latency model: charts for metrics with samples, axis past p99, outliers counted", "[latency]") {
  LatencySamples s;
  s.requests = 101;
  for (int i = 1; i <= 100; ++i) s.ms[static_cast<size_t>(LatencyMetric::Ttft)].push_back(i);
  s.ms[static_cast<size_t>(LatencyMetric::Ttft)].push_back(10000);  // one outlier
  LatencyModel m = latency_model(s, {}, {}, 10);
  REQUIRE(m.charts.size() == 1);
  const LatencyChart& c = m.charts[0];
  CHECK(c.metric == LatencyMetric::Ttft);
  CHECK(c.dist.n == 101);
  CHECK(c.dist.p50 == Approx(51));
  CHECK(c.dist.p99 == Approx(100));  // numpy linear: rank 0.99 * 100 = 99 -> the value 100
  CHECK(c.x_max == Approx(125));     // p99 * 1.25: the 10 s outlier does not squash the axis
  uint64_t in = 0;
  for (auto n : c.hist.count) in += n;
  CHECK(in == 100);
  CHECK(c.hist.above == 1);      // counted, shown as "1 above"
  CHECK(c.hist.count[0] == 12);  // 1..12 ms in the first 12.5-ms bin
  CHECK(c.cdf.back().fraction == 1.0);
  CHECK(m.note.empty());
}

TEST_CASE("latency model: says why it is empty", "[latency]") {
  CHECK(latency_model(LatencySamples{}).note.find("No measured requests") == 0);
  LatencySamples s;
  s.requests = 3;
  CHECK(latency_model(s).note.find("carry no latency") != std::string::npos);
}

TEST_CASE("latency model: a zoomed view rebins the samples inside its window", "[latency]") {
  LatencySamples s;
  s.requests = 101;
  for (int i = 1; i <= 100; ++i) s.ms[static_cast<size_t>(LatencyMetric::Ttft)].push_back(i);
  s.ms[static_cast<size_t>(LatencyMetric::Ttft)].push_back(10000);
  const LatencyModel m = latency_model(s, {}, {}, 10);
  const LatencyChart& c = m.charts[0];
  const LatencyView full = full_view(c);
  CHECK(full.lo == 0);
  CHECK(full.hi == Approx(125));
  CHECK_FALSE(full.zoomed);
  const LatencyView v = zoomed_view(c, 20, 40, 4);  // bins of 5 ms
  CHECK(v.zoomed);
  CHECK(v.hist.count == std::vector<uint64_t>{5, 5, 5, 6});  // 20-24, 25-29, 30-34, 35-40
  CHECK(v.hist.below == 19);
  CHECK(v.hist.above == 61);  // 41..100 and the outlier
  REQUIRE(v.cdf.size() == 21);
  CHECK(v.cdf.front().value == 20);
  CHECK(v.cdf.front().fraction == Approx(20.0 / 101));
  CHECK(v.cdf.back().fraction == Approx(40.0 / 101));
  CHECK(v.ticks.front().value >= 20);
}
