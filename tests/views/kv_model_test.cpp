#include "views/kv_model.h"

#include <catch2/catch.hpp>

#include <cmath>

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
std::shared_ptr<const Session> open(const std::string& name) {
  LoadProgress p;
  return load_session({std::string(HOTPATH_TEST_DATA) + "/logs/" + name}, p);
}
}  // namespace

TEST_CASE("kv model: the SGLang log's two pools, the gap as missing cells, prefix bins", "[kv_model]") {
  auto s = open("sglang_laguna-s-2.1-int4_dgxspark_prefill-decode.log");
  KvModel m = kv_model(*s, &metric_map(), INT64_MIN, INT64_MAX, 10);
  REQUIRE(m.rows == std::vector<std::string>{"(one replica)", "(one replica) swa pool"});
  REQUIRE(m.cells.size() == 20);
  size_t missing = 0;
  for (size_t i = 0; i < m.cells.size(); ++i) {
    CHECK((std::isnan(m.cells[i]) == (m.colors[i] == plot::kMissing)));
    missing += std::isnan(m.cells[i]);
  }
  // Batch lines at 23:43:46 and from 00:02:17 to 00:09:40 (1554 s): bins 1..6 of 10 hold no line, in
  // both pools; bin 9 is the mean of 51 lines (Σ full usage 4.15).
  CHECK(missing == 12);
  CHECK(m.cells[9] == Approx(4.15 / 51));
  CHECK(m.capacity == "capacity 185897 tokens (log)");
  REQUIRE(m.hit_rate.size() == 10);
  double q = 0;
  for (double x : m.queries) q += x;
  CHECK(q == 783300);
  CHECK(m.verdict.regime == kv::KvRegime::NotBottleneck);
  CHECK(m.note.empty());
}

TEST_CASE("kv model: the vLLM log's engine and its rolling hit rate", "[kv_model]") {
  auto s = open("vllm_v0.15.0_gptoss120b_tp4_profilemate_server.log.gz");
  KvModel m = kv_model(*s, &metric_map());
  REQUIRE(m.rows == std::vector<std::string>{"engine=\"0\""});
  // Stats lines every 10 s over the session's 111 s (requests and iterations included): 12 bins, not 120.
  CHECK(m.bins == 12);
  CHECK(m.hit_rate.empty());
  CHECK(m.prefix_title.find("rolling rate") != std::string::npos);
  CHECK(m.verdict.regime == kv::KvRegime::LimitElsewhere);
  for (uint32_t p : m.preempted) CHECK(p == 0);
}

TEST_CASE("kv model: KV events give the block view, with lifetimes from Stored to Removed", "[kv_model]") {
  auto s = std::make_shared<Session>();
  s->run = std::make_shared<const Run>();
  using kv::KvEventKind;
  const Ns sec = 1'000'000'000;
  // Blocks 1, 2, 3 stored at 0 s; 1 removed at 2 s, 2 at 6 s; everything cleared at 8 s; 4 stored at 9 s.
  s->kv_events = {{0, 1, KvEventKind::Stored, -1},        {0, 2, KvEventKind::Stored, -1},
                  {0, 3, KvEventKind::Stored, -1},        {2 * sec, 1, KvEventKind::Removed, -1},
                  {6 * sec, 2, KvEventKind::Removed, -1}, {8 * sec, 0, KvEventKind::Cleared, -1},
                  {9 * sec, 4, KvEventKind::Stored, -1}};
  KvModel m = kv_model(*s, nullptr, INT64_MIN, INT64_MAX, 10);
  CHECK(m.note.empty());  // no usage series, but events: the panel has something to show
  // Lifetimes 2 s (block 1) and 6 s (block 2); the quantiles are kv_block_view's (p50 of two: the upper).
  CHECK(m.blocks_title == "KV events: 4 stored, 2 removed, 1 clears; lifetime p50 6 s, p90 6 s, p99 6 s");
  CHECK(m.blocks.lifetimes_s == std::vector<double>{2, 6});
  REQUIRE(m.blocks.alive.size() == 10);
  CHECK(m.blocks.alive.front() == 3);
  CHECK(m.blocks.alive.back() == 1);
  CHECK(m.blocks.clears == std::vector<Ns>{8 * sec});
  // Over a range: only the events in it.
  KvModel r = kv_model(*s, nullptr, 5 * sec, 10 * sec, 5);
  CHECK_THAT(r.blocks_title, Catch::StartsWith("KV events: 1 stored, 1 removed, 1 clears"));
}
