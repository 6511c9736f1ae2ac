// serve-profile / attach --expert-recorder against the test server's SGLang recorder endpoints, and
// the scraper on an endpoint whose /metrics is TensorRT-LLM's JSON iteration stats.
#include <catch2/catch.hpp>
#include <thread>

#include "capture/serve_session.h"
#include "core/experts/run_experts.h"
#include "core/session/load_session.h"
#include "core/store/serving_store.h"
#include "support/server_vllm.h"
#include "support/temp_dir.h"
#include "support/watch_opts.h"

namespace fs = std::filesystem;
using namespace hp;
using namespace std::chrono_literals;

namespace {

int run_watch(capture::ServeOpts o, std::chrono::milliseconds how_long) {
  capture::ServeSession s(std::move(o));
  std::string err;
  if (s.prepare(&err) != 0) return -1;
  s.start();
  if (!s.run_traffic()) return -2;
  std::this_thread::sleep_for(how_long);
  return s.finish();
}

}  // namespace

// The dump is tests/data/experts/expert_distribution_recorder_1752852772.pt (PROVENANCE there).
TEST_CASE("expert recorder: start, stop, dump in order, and the dump is in the run", "[capture][experts]") {
  const fs::path dir = test::fresh_temp_dir("expert_recorder", "ok");
  fs::create_directories(dir / "dumps");
  testing::TestServerOptions so;
  so.expert_dump_dir = dir / "dumps";
  so.expert_fixture = HOTPATH_TEST_DATA "/experts/expert_distribution_recorder_1752852772.pt";
  testing::TestServer server(so);
  REQUIRE(server.start() > 0);
  capture::ServeOpts o = test::watch_opts(server.base_url(), dir, "sglang");
  o.expert_recorder = (dir / "dumps").string();
  REQUIRE(run_watch(o, 300ms) == 0);
  CHECK(server.counts().expert_calls == std::vector<std::string>{"start", "stop", "dump"});
  ServingData d = read_serving(dir / "run.hotpath");
  CHECK(d.meta.at("expert_recorder.dumps") == "1");
  CHECK(d.meta.at("expert_recorder.mode") == "stat");
  CHECK(d.meta.count("expert_recorder.error") == 0);
  auto loads = experts::read_run_expert_dumps(dir / "run.hotpath");
  REQUIRE(loads.size() == 1);
  CHECK(loads[0].format == "sglang-pt-stat");
  CHECK(loads[0].counts == std::vector<int64_t>{0, 0, 0, 0, 8, 4, 1, 3});
  // Opening the run shows them as an experts source.
  LoadProgress progress;
  auto session = load_session({dir / "run.hotpath"}, progress);
  REQUIRE(session->experts.size() == 1);
  CHECK(session->experts[0].counts == loads[0].counts);
}

TEST_CASE("expert recorder: a server without the endpoints is a warning, not a failed capture",
          "[capture][experts]") {
  const fs::path dir = test::fresh_temp_dir("expert_recorder", "missing");
  testing::TestServer server;  // no expert_dump_dir: the endpoints answer 404
  REQUIRE(server.start() > 0);
  capture::ServeOpts o = test::watch_opts(server.base_url(), dir, "sglang");
  o.expert_recorder = dir.string();
  REQUIRE(run_watch(o, 200ms) == 0);
  ServingData d = read_serving(dir / "run.hotpath");
  const std::string err = d.meta.at("expert_recorder.error");
  CHECK(err.find("POST /start_expert_distribution_record: HTTP 404") != std::string::npos);
  CHECK(d.meta.count("expert_recorder.dumps") == 0);  // never started: no stop, no dump
  CHECK(experts::read_run_expert_dumps(dir / "run.hotpath").empty());
  CHECK(d.meta.at("capture.ended") == "cleanly");
}

// tests/data/metrics/trtllm_iteration_stats_documented_shape.json: usage 0.25, 0.6, 0.9 (the fourth
// item has no timestamp), capacity 1000 blocks x 32 tokens.
TEST_CASE("scraper: TensorRT-LLM's JSON /metrics goes through the iteration-stats parser once per item",
          "[capture][scrape]") {
  const fs::path dir = test::fresh_temp_dir("expert_recorder", "trtllm");
  testing::TestServerOptions so;
  so.metrics_json = HOTPATH_TEST_DATA "/metrics/trtllm_iteration_stats_documented_shape.json";
  testing::TestServer server(so);
  REQUIRE(server.start() > 0);
  capture::ServeOpts o = test::watch_opts(server.base_url(), dir, "sglang");
  o.engine = "trtllm";
  REQUIRE(run_watch(o, 500ms) == 0);
  CHECK(server.counts().metrics_scrapes >= 3);
  ServingData d = read_serving(dir / "run.hotpath");
  CHECK(d.meta.at("scrape.format") == "trtllm-iteration-stats-json");
  CHECK(d.meta.at("scrape.bad_lines") == "0");
  CHECK(d.meta.at("kv_cache_tokens") == "32000");
  const serving::MetricSeries* kv = nullptr;
  for (const auto& s : d.metrics)
    if (s.key.name == "kv_cache_usage") kv = &s;
  REQUIRE(kv);
  std::vector<double> v;
  for (const auto& x : kv->samples) v.push_back(x.value);
  CHECK(v == std::vector<double>{0.25, 0.6, 0.9});  // every scrape answered the same items: stored once
}
