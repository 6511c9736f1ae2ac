#include "views/rollouts_model.h"

#include <catch2/catch.hpp>

#include "core/session/load_session.h"
#include "core/store/serving_store.h"
#include "core/util/assets.h"
#include "tests/support/temp_dir.h"

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

constexpr int64_t kBase = 1'700'000'000'000'000'000, kMs = 1'000'000;

serving::RequestRecord req(const char* id, int64_t sent_ms, int64_t end_ms, uint32_t tokens) {
  serving::RequestRecord r;
  r.request_id = id;
  r.endpoint = "/v1/completions";
  r.scheduled_ns = r.sent_ns = kBase + sent_ms * kMs;
  r.first_chunk_ns = r.first_token_ns = kBase + (sent_ms + 50) * kMs;
  r.end_ns = kBase + end_ms * kMs;
  r.output_tokens = tokens;
  r.tokens_from_usage = true;
  return r;
}

// Two groups of 2 rollouts, written in completion order (as serve-profile writes them), and the server's
// running-requests gauge.
std::filesystem::path make_run(bool with_rollouts) {
  const auto dir = test::fresh_temp_dir("rollouts_model", with_rollouts ? "groups" : "plain");
  const auto path = dir / "run.hotpath";
  ServingWriter w(path);
  w.set_meta("kind", "serve-profile");
  w.set_meta("engine", "vllm");
  if (with_rollouts) {
    w.set_meta("rollouts.n", "2");
    w.set_meta("rollouts.mode", "n");
    w.set_meta("rollouts.reason", "the server streamed 2 choices for n = 2");
  }
  for (const auto& r : {req("hp-000002", 1000, 1300, 5), req("hp-000000", 1000, 1400, 10),
                        req("hp-000001", 1000, 1600, 20), req("hp-000003", 1000, 2000, 40)})
    w.add_request(r);
  w.add_samples({"vllm:num_requests_running", {{"engine", "0"}, {"model_name", "m"}}},
                {{kBase + 1000 * kMs, 4},
                 {kBase + 1300 * kMs, 3},
                 {kBase + 1400 * kMs, 2},
                 {kBase + 1600 * kMs, 1},
                 {kBase + 2000 * kMs, 0}});
  w.finish();
  return path;
}

}  // namespace

TEST_CASE("rollouts model: groups by scheduling position, bars, lengths, straggler stretches",
          "[rollouts_model]") {
  LoadProgress progress;
  auto s = load_session({make_run(true)}, progress);
  RolloutsModel m = rollouts_model(*s, &metric_map());
  REQUIRE(m.n == 2);
  CHECK(m.mode == "n");
  CHECK(m.how ==
        "2 rollouts per prompt through the API's n (one request, 2 choices) - the server streamed 2 "
        "choices for n = 2");
  REQUIRE(m.bars.size() == 2);
  // Group 0 = hp-000000 and hp-000001: sent at 1000 ms, done at 1400 and 1600 ms.
  CHECK(m.bars[0].sent_s == 0);
  CHECK(m.bars[0].first_done_s == Approx(0.4));
  CHECK(m.bars[0].last_done_s == Approx(0.6));
  CHECK(m.bars[0].lengths == std::vector<double>{10, 20});
  CHECK(m.stats.groups[0].to_last_ms == Approx(600));
  CHECK(m.stats.groups[0].spread_ms == Approx(200));
  // Group 1 = hp-000002 and hp-000003: done at 1300 and 2000 ms.
  CHECK(m.bars[1].first_done_s == Approx(0.3));
  CHECK(m.bars[1].last_done_s == Approx(1.0));
  CHECK(m.bars[1].lengths == std::vector<double>{5, 40});
  CHECK(m.stats.groups[1].spread_ms == Approx(700));
  CHECK(m.length_max == 40);
  CHECK(m.run_s == Approx(1.0));
  // The scraped gauge, not the client's in-flight count: peak 4, so "few" is 1: 1600-2000 ms.
  CHECK(m.stats.straggler_source == "requests_running series");
  CHECK(m.stats.few_threshold == 1);
  CHECK(m.stats.straggler_s == Approx(0.4));
  REQUIRE(m.few.size() == 1);
  CHECK(m.few[0].first == Approx(0.6));
  CHECK(m.few[0].second == Approx(1.0));
  REQUIRE(m.running.size() == 5);
  CHECK(m.running[1].first == Approx(0.3));
  CHECK(m.running[1].second == 3);
  REQUIRE(m.summary.size() == 4);
  CHECK(m.summary[0] == "2 groups (2 complete) over a 1.00 s run");
  CHECK(m.summary[1] == "time to last completion p50 800 ms, max 1000 ms");
  CHECK(m.summary[3] ==
        "stragglers: 0.40 s of 1.00 s (40 %) with at most 1 running (requests_running series)");
}

TEST_CASE("rollouts model: a session without groups says how to get them", "[rollouts_model]") {
  LoadProgress progress;
  auto s = load_session({make_run(false)}, progress);
  RolloutsModel m = rollouts_model(*s, &metric_map());
  CHECK(m.n == 0);
  CHECK(m.bars.empty());
  CHECK(m.note == "No rollout groups in this session: record a run with serve-profile --rollouts N.");
}
