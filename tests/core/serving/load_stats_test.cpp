#include "core/serving/load_stats.h"

#include <catch2/catch.hpp>

#include "core/store/serving_store.h"

using namespace hp::serving;

namespace {
constexpr int64_t kS = 1000000000LL;
constexpr int64_t kT = 1769952121000000000LL;

MetricSeries series(std::string name, Labels labels, std::vector<std::pair<int, double>> pts) {
  MetricSeries s;
  s.key = {std::move(name), std::move(labels)};
  for (auto [t, v] : pts) s.samples.push_back({kT + t * kS, v});
  return s;
}

const MetricMap& metric_map() {
  static MetricMap m = [] {
    std::string err;
    MetricMap mm = MetricMap::load(std::string(HOTPATH_ASSETS_DIR) + "/metric_map.json", &err);
    REQUIRE(err.empty());
    return mm;
  }();
  return m;
}
}  // namespace

TEST_CASE("load stats from scraped vLLM series", "[serving][load]") {
  hp::ServingData d;
  d.meta["engine"] = "vllm";
  d.metrics.push_back(series("vllm:num_requests_running", {{"engine", "0"}}, {{0, 2}, {10, 4}, {20, 6}}));
  d.metrics.push_back(series("vllm:num_requests_running", {{"engine", "1"}}, {{0, 1}, {10, 1}, {20, 1}}));
  d.metrics.push_back(series("vllm:num_requests_waiting", {}, {{0, 0}, {10, 8}, {20, 0}}));
  d.metrics.push_back(series("vllm:kv_cache_usage_perc", {}, {{0, 0.5}, {10, 0.95}, {20, 0.8}, {30, 1.0}}));
  d.metrics.push_back(series("vllm:num_preemptions_total", {}, {{0, 0}, {10, 3}, {20, 5}}));
  d.metrics.push_back(series("vllm:prefix_cache_hits_total", {}, {{0, 100}, {20, 400}}));
  d.metrics.push_back(series("vllm:prefix_cache_queries_total", {}, {{0, 1000}, {20, 2000}}));
  // A log series of the same concept is ignored when scraped ones exist.
  d.log_series.push_back(series("kv_cache_usage", {}, {{0, 0.1}}));

  LoadStats st = load_stats(d, &metric_map());
  REQUIRE(st.batch.present);
  CHECK(st.batch.samples == 3);      // engines merged: 3, 5, 7
  CHECK(st.batch.avg == Approx(4));  // (3*10 + 5*10) / 20
  CHECK(st.batch.peak == 7);
  CHECK(st.batch.p50 == 5);
  CHECK(st.queue.avg == Approx(4));
  CHECK(st.queue.peak == 8);
  CHECK_FALSE(st.kv.from_log);
  CHECK(st.kv.avg == Approx(0.75));  // (0.5 + 0.95 + 0.8) * 10 / 30
  CHECK(st.kv.peak == 1.0);
  CHECK(st.kv_seconds_above_90 == Approx(10));
  CHECK(st.preemptions == 5);
  CHECK(st.prefix.method == "counters");
  CHECK(st.prefix.hits == 300);
  CHECK(st.prefix.queries == 1000);
  CHECK(st.prefix.hit_rate == Approx(0.3));
}

TEST_CASE("load stats from log series, counter resets", "[serving][load]") {
  hp::ServingData d;
  d.log_series.push_back(series("requests_running", {}, {{0, 1}, {10, 3}}));
  d.log_series.push_back(series("kv_cache_usage", {}, {{0, 0.92}, {5, 0.5}, {10, 0.5}}));
  d.log_series.push_back(series("preemptions", {}, {{0, 0}, {10, 4}, {20, 1}}));  // reset: 4 + 1
  LoadStats st = load_stats(d, &metric_map());
  CHECK(st.batch.from_log);
  CHECK(st.batch.avg == 1);  // the last sample has no duration
  CHECK(st.kv.avg == Approx(0.71));
  CHECK(st.kv_seconds_above_90 == Approx(5));
  CHECK(st.preemptions == 5);
  CHECK(st.preemptions_from_log);
  CHECK_FALSE(st.queue.present);
  CHECK(st.prefix.method == "none");
}

TEST_CASE("prefix hit rate from SGLang counters and a percentage gauge", "[serving][load]") {
  hp::ServingData d;
  d.meta["engine"] = "sglang";
  d.metrics.push_back(series("sglang:cached_tokens_total", {}, {{0, 0}, {10, 250}}));
  d.metrics.push_back(series("sglang:prompt_tokens_total", {}, {{0, 0}, {10, 1000}}));
  LoadStats st = load_stats(d, &metric_map());
  CHECK(st.prefix.method == "cached/prompt counters");
  CHECK(st.prefix.hit_rate == Approx(0.25));

  hp::ServingData old;
  old.meta["engine"] = "sglang-old";  // v0.3 cache_hit_rate is a percentage (scale 0.01)
  old.metrics.push_back(series("sglang:cache_hit_rate", {}, {{0, 50}, {10, 70}, {20, 70}}));
  LoadStats so = load_stats(old, &metric_map());
  CHECK(so.prefix.method == "gauge mean");
  CHECK(so.prefix.hit_rate == Approx(0.6));
}
