#include <catch2/catch.hpp>

#include <cmath>

#include <fmt/format.h>

#include "core/kv/kv_series.h"
#include "core/kv/kv_verdict.h"
#include "core/session/load_session.h"

using namespace hp;
using namespace hp::kv;

namespace {
const std::string kSglangLog =
    std::string(HOTPATH_TEST_DATA) + "/logs/sglang_laguna-s-2.1-int4_dgxspark_prefill-decode.log";
const std::string kVllmLog =
    std::string(HOTPATH_TEST_DATA) + "/logs/vllm_v0.15.0_gptoss120b_tp4_profilemate_server.log.gz";

const serving::MetricMap& metric_map() {
  static const serving::MetricMap m = [] {
    std::string err;
    auto mm = serving::MetricMap::load(std::string(HOTPATH_ASSETS_DIR) + "/metric_map.json", &err);
    REQUIRE(err.empty());
    return mm;
  }();
  return m;
}

std::shared_ptr<const Session> open(const std::string& path) {
  LoadProgress p;
  return load_session({path}, p);
}

// A hand-built scrape session: one series per call, samples at whole seconds.
struct Builder {
  Session s;
  Builder() { s.run = std::make_shared<Run>(); }
  void add(const std::string& name, const std::string& labels, SeriesKind kind,
           std::vector<std::pair<double, double>> samples) {
    SeriesTable::Info info;
    info.name = s.strings.intern(name);
    info.labels = s.strings.intern(labels);
    info.kind = kind;
    info.begin = static_cast<uint32_t>(s.series.ts.size());
    for (auto [t, v] : samples) {
      s.series.ts.push_back(static_cast<Ns>(t * 1e9));
      s.series.value.push_back(v);
    }
    info.end = static_cast<uint32_t>(s.series.ts.size());
    s.series.info.push_back(info);
  }
};

// The documented residency buckets, as cumulative counts.
const double kLe[] = {0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5,  1,    2,
                      5,     10,    20,    30,   60,   120,  300, 600, 1200, 1800, INFINITY};

void add_histogram(Builder& b, const std::string& family, const std::string& engine,
                   const std::vector<double>& per_bucket_at_t1) {
  double cum = 0;
  for (size_t i = 0; i < std::size(kLe); ++i) {
    cum += i < per_bucket_at_t1.size() ? per_bucket_at_t1[i] : 0;
    const std::string le = std::isinf(kLe[i]) ? "+Inf" : fmt::format("{}", kLe[i]);
    b.add(family + "_bucket", "engine=\"" + engine + "\",le=\"" + le + "\"", SeriesKind::Histogram,
          {{0, 0}, {10, cum}});
  }
}
}  // namespace

TEST_CASE("kv series: the shared SGLang log, both pools, prefix tokens and capacity", "[kv]") {
  auto s = open(kSglangLog);
  KvSeries kv = kv_series(*s, &metric_map());
  CHECK(kv.engine == "sglang");
  CHECK(kv.usage_source == "log");
  REQUIRE(kv.usage.size() == 2);  // the full pool, then the sliding-window pool; no TP tag: one replica
  CHECK(kv.usage[0].pool == "");
  CHECK(kv.usage[1].pool == "swa");
  CHECK(kv.usage[0].replica == "");
  CHECK(kv.usage[0].ts.size() == 113);  // 57 Prefill + 56 Decode lines
  CHECK(kv.usage[1].ts.size() == 113);
  CHECK(*std::max_element(kv.usage[0].usage.begin(), kv.usage[0].usage.end()) == Approx(0.10));
  CHECK(*std::max_element(kv.usage[1].usage.begin(), kv.usage[1].usage.end()) == Approx(0.06));
  // PROVENANCE: Σ#cached-token 696433, Σ#new-token 86867.
  CHECK(kv.prefix_method == "counters");
  CHECK(kv.prefix_hits == 696433);
  CHECK(kv.prefix_queries == 696433 + 86867);
  CHECK(kv.capacity.tokens == 185897);  // max_total_num_tokens=185897
  CHECK(kv.capacity.source == "log");
  CHECK(kv.preemptions == 0);  // no retraction line in the log: the running total stays 0
  CHECK(kv.residency.empty());

  // 10 bins over first..last batch line (1554 s): a gap of ~18 min without batch lines is missing, not 0.
  const Ns t0 = kv.usage[0].ts.front(), t1 = kv.usage[0].ts.back();
  CHECK(t1 - t0 == 1554'000'000'000);
  auto grid = usage_grid(kv, t0, t1, 10);
  REQUIRE(grid.size() == 20);
  CHECK(grid[0] == 0.0);  // the first Prefill line (usage 0.00)
  for (int c = 1; c <= 6; ++c) CHECK(std::isnan(grid[c]));
  CHECK(grid[7] == 0.0);
  CHECK(grid[8] == Approx(0.04 / 32));  // 32 lines, Σ usage 0.04
  CHECK(grid[9] == Approx(4.15 / 51));  // 51 lines, Σ usage 4.15
  auto bins = prefix_bins(kv, t0, t1, 10);
  double h = 0, q = 0;
  for (const auto& b : bins) h += b.hits, q += b.queries;
  CHECK(h == 696433);
  CHECK(q == 783300);
  CHECK(std::isnan(bins[3].rate()));

  KvVerdict v = kv_verdict(kv);
  CHECK(v.regime == KvRegime::NotBottleneck);
  CHECK(v.usage_peak == Approx(0.10));
  CHECK(v.queue_peak == 0);
  CHECK(v.hit_rate == Approx(0.8891).margin(5e-5));
}

TEST_CASE("kv series: the vLLM log's Engine 000 lines and its KV size", "[kv]") {
  auto s = open(kVllmLog);
  KvSeries kv = kv_series(*s, &metric_map());
  REQUIRE(kv.usage.size() == 1);
  CHECK(kv.usage[0].replica == "engine=\"0\"");
  REQUIRE(kv.usage[0].ts.size() == 12);  // zcat | grep -c "KV cache usage"
  CHECK(kv.usage[0].usage[0] == Approx(0.008));
  CHECK(kv.usage[0].usage[5] == Approx(0.070));
  CHECK(kv.capacity.tokens == 5863776);  // "GPU KV cache size: 5,863,776 tokens"
  CHECK(kv.prefix_method == "engine rolling rate");
  REQUIRE(kv.prefix_gauge.size() == 1);
  CHECK(kv.prefix_gauge[0].usage[1] == Approx(0.022));
  CHECK(kv.preemptions == 0);  // V1 prints none: the running total stays 0

  KvVerdict v = kv_verdict(kv);
  CHECK(v.regime == KvRegime::LimitElsewhere);
  CHECK(v.queue_peak == 115);  // "Waiting: 115 reqs" at 13:22:01 with usage 0.8 %
  CHECK(v.running_peak == 128);
  CHECK(v.usage_peak == Approx(0.070));
  CHECK(v.usage_peak_while_queued == Approx(0.008));
  CHECK(v.queue_seconds == 10);
}

TEST_CASE("kv series: prefix hit rate weighted across replicas, never an average of ratios", "[kv]") {
  Builder b;
  b.s.meta["engine"] = "vllm";
  // Engine 0: 90 hits of 100 queries; engine 1: 1 of 1000. Mean of ratios would be 45.05 %.
  b.add("vllm:prefix_cache_hits_total", "engine=\"0\"", SeriesKind::Counter, {{0, 0}, {10, 90}});
  b.add("vllm:prefix_cache_queries_total", "engine=\"0\"", SeriesKind::Counter, {{0, 0}, {10, 100}});
  b.add("vllm:prefix_cache_hits_total", "engine=\"1\"", SeriesKind::Counter, {{0, 50}, {10, 1}});  // reset
  b.add("vllm:prefix_cache_queries_total", "engine=\"1\"", SeriesKind::Counter, {{0, 700}, {10, 1000}});
  KvSeries kv = kv_series(b.s, &metric_map());
  CHECK(kv.prefix_method == "counters");
  CHECK(kv.prefix_hits == 91);      // 90 + 1 (counter reset: the new value counts)
  CHECK(kv.prefix_queries == 400);  // 100 + 300
  auto bins = prefix_bins(kv, 0, 10'000'000'000, 2);
  CHECK(bins[0].queries == 0);
  CHECK(bins[1].rate() == Approx(91.0 / 400));
}

TEST_CASE("kv series: vLLM usage per engine, deprecated name dropped, preemptions, cache config", "[kv]") {
  Builder b;
  b.s.meta["engine"] = "vllm";
  const std::string m0 = "engine=\"0\",model_name=\"m\"", m1 = "engine=\"1\",model_name=\"m\"";
  b.add("vllm:kv_cache_usage_perc", m0, SeriesKind::Gauge, {{0, 0.5}, {10, 0.95}, {20, 0.97}});
  b.add("vllm:gpu_cache_usage_perc", m0, SeriesKind::Gauge, {{0, 0.5}, {10, 0.95}, {20, 0.97}});
  b.add("vllm:kv_cache_usage_perc", m1, SeriesKind::Gauge, {{0, 0.2}, {20, 0.3}});
  b.add("vllm:num_preemptions_total", m0, SeriesKind::Counter, {{0, 0}, {10, 0}, {20, 4}});
  b.add("vllm:num_preemptions_total", m1, SeriesKind::Counter, {{0, 1}, {20, 2}});
  b.add("vllm:num_requests_waiting", m0, SeriesKind::Gauge, {{0, 0}, {10, 7}, {20, 3}});
  b.add("vllm:cache_config_info",
        "block_size=\"16\",cache_dtype=\"auto\",num_cpu_blocks=\"9362\",num_gpu_blocks=\"81767\"",
        SeriesKind::Gauge, {{0, 1}});
  KvSeries kv = kv_series(b.s, &metric_map());
  CHECK(kv.usage_source == "metrics");
  REQUIRE(kv.usage.size() == 2);
  CHECK(kv.usage[0].replica == "engine=\"0\"");
  CHECK(kv.usage[1].replica == "engine=\"1\"");
  CHECK(kv.preemptions == 5);
  REQUIRE(kv.preemption_ts.size() == 1);  // both rose in the scrape at 20 s
  CHECK(kv.preemption_count[0] == 5);
  CHECK(kv.capacity.num_gpu_blocks == 81767);
  CHECK(kv.capacity.block_size == 16);
  CHECK(kv.capacity.tokens == 81767 * 16);
  KvVerdict v = kv_verdict(kv);
  CHECK(v.regime == KvRegime::MemoryBound);
  CHECK(v.usage_peak == Approx(0.97));
  CHECK(v.seconds_above_90 == 10);
  CHECK(v.queue_peak == 7);
}

TEST_CASE("kv series: residency histograms as bucket deltas with quantiles", "[kv]") {
  Builder b;
  b.s.meta["engine"] = "vllm";
  // Two engines. Lifetime: 10 blocks in (0.5, 1] and 10 in (1, 2]; idle: 20 in (0.1, 0.2];
  // reuse gap: 3 in (1800, +Inf).
  std::vector<double> life(22, 0), idle(22, 0), gap(22, 0);
  life[9] = 5, life[10] = 5, idle[7] = 10, gap[21] = 3;
  add_histogram(b, "vllm:kv_block_lifetime_seconds", "0", life);
  add_histogram(b, "vllm:kv_block_lifetime_seconds", "1", life);
  add_histogram(b, "vllm:kv_block_idle_before_evict_seconds", "0", idle);
  add_histogram(b, "vllm:kv_block_idle_before_evict_seconds", "1", idle);
  add_histogram(b, "vllm:kv_block_reuse_gap_seconds", "0", gap);
  b.add("vllm:kv_cache_usage_perc", "engine=\"0\"", SeriesKind::Gauge, {{0, 0.99}, {10, 0.99}});
  b.add("vllm:num_preemptions_total", "engine=\"0\"", SeriesKind::Counter, {{0, 0}, {10, 0}});
  KvSeries kv = kv_series(b.s, &metric_map());
  REQUIRE(kv.residency.size() == 3);
  const Residency& l = kv.residency[0];
  CHECK(l.name == "lifetime");
  CHECK(l.total == 20);
  CHECK(l.count[9] == 10);
  CHECK(l.count[10] == 10);
  CHECK(l.p50 == Approx(1.0));  // rank 10 ends the (0.5, 1] bucket
  CHECK(l.p90 == Approx(1.8));  // rank 18: 8 of 10 into (1, 2]
  CHECK_FALSE(l.p99_over);
  const Residency& i = kv.residency[1];
  CHECK(i.total == 20);
  CHECK(i.p50 == Approx(0.15));
  CHECK(kv.residency[2].p50_over);  // "> 1800 s"
  CHECK(kv.residency[2].p50 == 1800);
  // Invariants of the documented shape: lifetime count == idle count, reuse gaps <= 3 x lifetime.
  CHECK(kv.residency[2].total <= 3 * l.total);
  KvVerdict v = kv_verdict(kv);
  CHECK(v.regime == KvRegime::Thrashing);  // full, no preemption, blocks evicted 0.15 s after last use
  CHECK(v.idle_p50_s == Approx(0.15));
}

TEST_CASE("kv series: buckets that go backwards are clamped with a warning", "[kv]") {
  Builder b;
  b.add("vllm:kv_block_lifetime_seconds_bucket", "le=\"1\"", SeriesKind::Histogram, {{0, 0}, {10, 5}});
  b.add("vllm:kv_block_lifetime_seconds_bucket", "le=\"2\"", SeriesKind::Histogram, {{0, 0}, {10, 3}});
  b.add("vllm:kv_block_lifetime_seconds_bucket", "le=\"+Inf\"", SeriesKind::Histogram, {{0, 0}, {10, 6}});
  KvSeries kv = kv_series(b.s, nullptr);
  REQUIRE(kv.residency.size() == 1);
  CHECK(kv.residency[0].count == std::vector<double>{5, 0, 1});
  REQUIRE(kv.warnings.size() == 1);
  CHECK(kv.warnings[0].find("vllm:kv_block_lifetime_seconds") != std::string::npos);
  CHECK(kv_verdict(kv).regime == KvRegime::NoData);
}

TEST_CASE("kv series: real /metrics dumps, vLLM v0.7 (old usage name, cache config) and SGLang v0.3",
          "[kv]") {
  // A vLLM dump is a Prometheus scrape, not a vLLM log, though its text says "vllm" everywhere.
  auto v =
      open(std::string(HOTPATH_TEST_DATA) + "/metrics/vllm_v0.7-era_qwen2.5-coder-1.5b_aibrix_docs.prom");
  KvSeries kv = kv_series(*v, &metric_map());
  CHECK(kv.usage_source == "metrics");
  REQUIRE(kv.usage.size() == 1);  // vllm:gpu_cache_usage_perc{model_name=...} 0.0
  CHECK(kv.usage[0].replica == "");
  CHECK(kv.usage[0].usage == std::vector<double>{0.0});
  CHECK(kv.capacity.num_gpu_blocks == 81767);
  CHECK(kv.capacity.block_size == 16);
  CHECK(kv.capacity.tokens == 1308272);
  CHECK(kv.capacity.source == "vllm:cache_config_info");
  CHECK(kv.preemptions == 0);         // one scrape of vllm:num_preemptions_total: nothing rose
  CHECK(kv.prefix_method == "none");  // gpu_prefix_cache_hit_rate -1: prefix caching off

  auto s = open(std::string(HOTPATH_TEST_DATA) + "/metrics/sglang_v0.3-era_gemma-2-9b-it_docs_5bc2508b.prom");
  KvSeries sk = kv_series(*s, &metric_map());
  REQUIRE(sk.usage.size() == 1);  // sglang:token_usage{name="google/gemma-2-9b-it"} 0.01
  CHECK(sk.usage[0].usage == std::vector<double>{0.01});
  CHECK(sk.capacity.tokens == 161721);  // sglang:max_total_num_tokens
}
