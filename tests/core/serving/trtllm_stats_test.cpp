#include "core/serving/trtllm_stats.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "core/kv/kv_series.h"
#include "core/session/load_session.h"
#include "core/util/assets.h"

using namespace hp;
using namespace hp::serving;

namespace {

const std::string kFile =
    std::string(HOTPATH_TEST_DATA) + "/metrics/trtllm_iteration_stats_documented_shape.json";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<double> values(const TrtllmStats& st, const std::string& name) {
  for (const auto& s : st.series)
    if (s.key.name == name) {
      std::vector<double> v;
      for (const auto& x : s.samples) v.push_back(x.value);
      return v;
    }
  return {};
}

constexpr int64_t kT0 = 1764756000LL * 1'000'000'000;  // 2025-12-03 10:00:00 UTC

}  // namespace

TEST_CASE("trtllm iteration stats: KV usage, reuse counters, requests, capacity", "[serving][trtllm_stats]") {
  TrtllmStats st = parse_trtllm_iteration_stats(slurp(kFile));
  CHECK(st.items == 4);
  CHECK(st.skipped == 1);  // the fourth item has no timestamp
  CHECK(st.first_issue == "item 3: no timestamp in MM-DD-YYYY HH:MM:SS form");
  CHECK(st.kv_cache_tokens == 32000);  // 1000 blocks x 32 tokens
  CHECK(values(st, "kv_cache_usage") ==
        std::vector<double>{0.25, 0.6, 0.9});  // the third: (1000 - 100) / 1000
  CHECK(values(st, "prefix_cache_hits") == std::vector<double>{40, 100, 400});
  CHECK(values(st, "prefix_cache_queries") == std::vector<double>{300, 400, 800});
  CHECK(values(st, "requests_running") == std::vector<double>{4, 8, 8});
  CHECK(values(st, "requests_waiting") == std::vector<double>{2, 0, 0});
  REQUIRE(st.series.size() == 5);
  CHECK(st.series[0].key.labels.empty());  // no attentionDpRank
  CHECK(st.series[0].samples[0].ts_ns == kT0);
  CHECK(st.series[0].samples[1].ts_ns == kT0 + 500'000'000);

  // One object per line, ISO times, attention-DP ranks as labels, the server clock 1 h ahead of UTC.
  st = parse_trtllm_iteration_stats(
      "{\"timestamp\": \"2025-12-03T11:00:00\", \"attentionDpRank\": 1, \"kvCacheStats\": {\"maxNumBlocks\": "
      "10, "
      "\"usedNumBlocks\": 5}}\n\n"
      "{\"timestamp\": \"2025-12-03 11:00:02.25\", \"attentionDpRank\": 0, \"numActiveRequests\": 3}\n",
      3600);
  CHECK(st.items == 2);
  REQUIRE(st.series.size() == 2);
  CHECK(st.series[0].key == SeriesKey{"kv_cache_usage", {{"rank", "1"}}});
  CHECK(st.series[0].samples[0].ts_ns == kT0);
  CHECK(st.series[0].samples[0].value == 0.5);
  CHECK(st.series[1].key == SeriesKey{"requests_running", {{"rank", "0"}}});
  CHECK(st.series[1].samples[0].ts_ns == kT0 + 2'250'000'000);
  CHECK(st.kv_cache_tokens == -1);  // no tokensPerBlock
}

TEST_CASE("trtllm iteration stats: malformed input is an error with its byte offset",
          "[serving][trtllm_stats]") {
  auto offset_of = [](std::string_view text) -> int64_t {
    try {
      parse_trtllm_iteration_stats(text);
    } catch (const TrtllmStatsError& e) {
      return static_cast<int64_t>(e.offset);
    }
    return -1;
  };
  CHECK(offset_of("") == 0);
  const std::string cut = "[{\"timestamp\": \"12-03-2025 10:00:00\", \"kvCacheStats\": {\"maxNumBlocks\": 1";
  CHECK(offset_of(cut) == static_cast<int64_t>(cut.size()));  // truncated: the end
  CHECK(offset_of("  [1, 2]") == 2);  // an item that is no object: where the array starts
  CHECK(offset_of("{\"iter\": 1}\n{\"iter\": 2,,}\n") == 23);                 // the second line's stray comma
  CHECK(offset_of("{\"iter\": 1}\n{\"numActiveRequests\": 1e400}\n") == 12);  // overflow: its line
  try {
    parse_trtllm_iteration_stats("[{\"iter\": 1}, \"x\"]");
    FAIL("no error");
  } catch (const TrtllmStatsError& e) {
    CHECK(std::string(e.what()) == "item 1: a string where an IterationStats object belongs");
  }
  // Timestamps that are not dates: skipped and counted, never a crash.
  TrtllmStats st = parse_trtllm_iteration_stats(
      "[{\"timestamp\": \"13-40-2025 10:00:00\", \"numActiveRequests\": 1}, {\"timestamp\": 5, "
      "\"numActiveRequests\": 1}]");
  CHECK(st.skipped == 2);
  CHECK(st.series.empty());
  CHECK(looks_like_trtllm_stats(" [ {\"iter\": 1, \"kvCacheStats\": {}}]"));
  CHECK_FALSE(looks_like_trtllm_stats("{\"traceEvents\": []}"));
}

TEST_CASE("trtllm iteration stats: opened as a session, the KV series reads them",
          "[serving][trtllm_stats]") {
  LoadProgress progress;
  auto s = load_session({kFile}, progress);
  CHECK(s->meta.at("engine") == "trtllm");
  CHECK(s->meta.at("trtllm_stats.skipped") == "1");
  std::string err;
  auto map = MetricMap::load((assets_dir() / "metric_map.json").string(), &err);
  REQUIRE(err.empty());
  kv::KvSeries kv = kv::kv_series(*s, &map);
  REQUIRE(kv.usage.size() == 1);
  CHECK(kv.usage[0].usage == std::vector<double>{0.25, 0.6, 0.9});
  CHECK(kv.capacity.tokens == 32000);
  CHECK(kv.prefix_method == "counters");
  // Increases after the first item: hits 40 -> 400, queries 300 -> 800.
  CHECK(kv.prefix_hits == 360);
  CHECK(kv.prefix_queries == 500);
}
