#include "views/load_model.h"

#include <catch2/catch.hpp>

#include "core/session/load_session.h"
#include "core/util/assets.h"

using namespace hp;

namespace {
const serving::MetricMap& metric_map() {
  static serving::MetricMap m = [] {
    std::string err;
    auto mm = serving::MetricMap::load((assets_dir() / "metric_map.json").string(), &err);
    REQUIRE(err.empty());
    return mm;
  }();
  return m;
}
}  // namespace

TEST_CASE("load model: the vLLM log's stats lines, one chart per concept", "[load_model]") {
  LoadProgress progress;
  auto s = load_session(
      {std::string(HOTPATH_TEST_DATA) + "/logs/vllm_v0.15.0_gptoss120b_tp4_profilemate_server.log.gz"},
      progress);
  LoadModel m = load_model(*s, &metric_map());
  std::vector<std::string> names;
  for (const auto& c : m.charts) names.push_back(c.concept_name);
  CHECK(names == std::vector<std::string>{"requests_running", "requests_waiting", "kv_cache_usage",
                                          "preemptions", "prompt_throughput", "gen_throughput"});
  const LoadChart& running = m.charts[0];
  CHECK(running.source == "log");
  REQUIRE(running.lines.size() == 1);
  CHECK(running.lines[0].replica == "engine=\"0\"");
  CHECK(running.y_max == 128);      // "Running: 128 reqs" at the peak (serve-report: batch peak 128)
  CHECK(m.charts[1].y_max == 115);  // waiting peak
  CHECK(m.charts[2].y_max == Approx(0.07 * 1.2));  // KV usage peak 7.0 %, axis 20 % above it
  CHECK(m.preemptions.empty());
  CHECK(m.failures.empty());
}

TEST_CASE("load model: step-held pixel columns", "[load_model]") {
  LoadLine line;
  line.ts = {0, 10, 11, 35};
  line.value = {1, 5, 2, 7};
  // Four columns of 10 ns over [0, 40): [0,10) holds 1; [10,20) goes 1 -> 5 -> 2; [20,30) holds 2;
  // [30,40) goes 2 -> 7.
  auto c = line_columns(line, 0, 40, 4);
  REQUIRE(c.size() == 4);
  CHECK((c[0].min == 1 && c[0].max == 1));
  CHECK((c[1].min == 1 && c[1].max == 5));
  CHECK((c[2].min == 2 && c[2].max == 2));
  CHECK((c[3].min == 2 && c[3].max == 7));
  auto late = line_columns(line, -20, 0, 2);  // before the first sample: nothing held
  CHECK((late[0].empty && late[1].empty));
}

TEST_CASE("load model: markers counted per column", "[load_model]") {
  // Over [0, 100) in 4 columns of 25: 3 events in the first, 1 in the last; out of range ignored.
  CHECK(mark_columns({0, 5, 24, 99, 100, -1}, 0, 100, 4) == std::vector<uint32_t>{3, 0, 0, 1});
  CHECK(mark_columns({1, 2}, 0, 0, 4) == std::vector<uint32_t>{0, 0, 0, 0});
}

TEST_CASE("load model: a range starts with the value held entering it", "[load_model]") {
  LoadProgress progress;
  auto s = load_session(
      {std::string(HOTPATH_TEST_DATA) + "/logs/vllm_v0.15.0_gptoss120b_tp4_profilemate_server.log.gz"},
      progress);
  const LoadModel full = load_model(*s, &metric_map());
  const LoadLine& all = full.charts[0].lines[0];
  REQUIRE(all.ts.size() > 4);
  const Ns begin = all.ts[2] + 3'000'000'000, end = all.ts[4] + 1;  // 3 s after the third sample
  const LoadModel m = load_model(*s, &metric_map(), begin, end);
  const LoadLine& l = m.charts[0].lines[0];
  REQUIRE(l.ts.size() == 3);  // the held value at the start, then the 4th and 5th samples
  CHECK(l.ts[0] == begin);
  CHECK(l.value[0] == all.value[2]);
  CHECK(l.ts[1] == all.ts[3]);
  CHECK(l.value[2] == all.value[4]);
  // A range inside one sampling interval still draws the held value.
  const LoadModel inside = load_model(*s, &metric_map(), all.ts[3] + 1, all.ts[3] + 2);
  REQUIRE(inside.charts[0].lines.size() == 1);
  CHECK(inside.charts[0].lines[0].value == std::vector<double>{all.value[3]});
}
