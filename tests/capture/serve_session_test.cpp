// The serving capture under faults (issue 18): an endpoint that goes down and comes back, failed
// and broken streams, a /metrics page with unparseable lines, a missing profiler endpoint. Each is
// recorded in the run file, and the capture goes on.
#include "capture/serve_session.h"

#include <catch2/catch.hpp>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/session/load_session.h"
#include "core/store/serving_store.h"
#include "support/kv_publisher.h"
#include "support/server_vllm.h"
#include "support/temp_dir.h"
#include "support/watch_opts.h"

namespace fs = std::filesystem;
using namespace hp;
using namespace std::chrono_literals;

namespace {

const serving::MetricSeries* find_series(const ServingData& d, const std::string& name) {
  for (const auto& s : d.metrics)
    if (s.key.name == name) return &s;
  return nullptr;
}

}  // namespace

TEST_CASE("serve session: an endpoint that goes down and comes back is a gap in scrape_up",
          "[capture][faults]") {
  const fs::path dir = test::fresh_temp_dir("serve_session", "down");
  testing::TestServerOptions so;
  so.max_lifetime_s = 60;
  auto first = std::make_unique<testing::TestServer>(so);
  const int port = first->start();
  REQUIRE(port > 0);
  capture::ServeSession s(test::watch_opts(first->base_url(), dir));
  std::string err;
  REQUIRE(s.prepare(&err) == 0);
  s.start();
  REQUIRE(s.run_traffic());  // --watch: no traffic, returns at once
  std::this_thread::sleep_for(600ms);
  first.reset();  // down
  std::this_thread::sleep_for(700ms);
  const uint64_t failed = s.status().scrape_failures;
  CHECK(failed > 0);
  CHECK(failed <= 5);  // backoff: 100, 200, 400 ms... not one a period (7 in 700 ms)
  so.port = port;
  testing::TestServer second(so);  // back, on the same port
  REQUIRE(second.start() == port);
  const int64_t back = capture::epoch_now_ns();
  for (int i = 0; i < 100 && s.status().last_scrape_ok_ns < back; ++i) std::this_thread::sleep_for(50ms);
  CHECK(s.status().last_scrape_ok_ns >= back);  // reconnected within the backoff's wait
  std::this_thread::sleep_for(300ms);
  REQUIRE(s.finish() == 0);

  ServingData d = read_serving(dir / "run.hotpath");
  CHECK(std::stoi(d.meta.at("scrape.failures")) > 0);
  CHECK_FALSE(d.meta.at("scrape.last_error").empty());
  const auto* up = find_series(d, "hotpath:scrape_up");
  REQUIRE(up);
  // 1 ... 1, 0 ... 0, 1 ... 1: up, the gap, up again, in time order.
  int phase = 0;
  for (const auto& x : up->samples) {
    if (phase == 0 && x.value == 0) phase = 1;
    if (phase == 1 && x.value == 1) phase = 2;
    if (phase == 2) CHECK(x.value == 1);
  }
  CHECK(phase == 2);
  CHECK(up->samples.front().value == 1);
  CHECK(d.meta.at("capture.ended") == "cleanly");
}

TEST_CASE("serve session: failed and broken streams are kept with their reasons", "[capture][faults]") {
  const fs::path dir = test::fresh_temp_dir("serve_session", "streams");
  testing::TestServerOptions so;
  so.ttft_ms = 20;
  so.itl_ms = 5;
  so.max_lifetime_s = 60;
  so.malformed_metrics = true;
  testing::TestServer server(so);
  REQUIRE(server.start() > 0);
  {
    std::ofstream out(dir / "traffic.jsonl");
    for (const char* p :
         {"ok a", "[fault:500] b", "[fault:429] c", "[fault:disconnect] d", "[fault:malformed] e", "ok f"})
      out << "{\"prompt\": \"" << p << "\", \"max_tokens\": 8}\n";
  }
  capture::ServeOpts o = test::watch_opts(server.base_url(), dir);
  o.watch = false;
  o.traffic = (dir / "traffic.jsonl").string();
  o.concurrency = 6;
  o.num_requests = 6;
  capture::ServeSession s(o);
  std::string err;
  REQUIRE(s.prepare(&err) == 0);
  s.start();
  CHECK(s.run_traffic());
  std::this_thread::sleep_for(300ms);  // a few scrapes of the malformed page
  CHECK(s.finish() == 0);
  ServingData d = read_serving(dir / "run.hotpath");
  REQUIRE(d.requests.size() == 6);
  std::map<std::string, const serving::RequestRecord*> by_prompt_tag;
  int ok = 0;
  for (const auto& r : d.requests) ok += r.status == serving::RequestStatus::Ok;
  CHECK(ok == 2);
  CHECK(d.meta.at("requests_failed") == "4");
  for (const auto& r : d.requests)
    if (r.status != serving::RequestStatus::Ok) CHECK_FALSE(r.error.empty());
  // The /metrics page's unparseable lines are counted, and the scrapes still count as up.
  CHECK(std::stoi(d.meta.at("scrape.bad_lines")) > 0);
  CHECK(d.meta.at("scrape.failures") == "0");
  const auto* up = find_series(d, "hotpath:scrape_up");
  REQUIRE(up);
  for (const auto& x : up->samples) CHECK(x.value == 1);
}

TEST_CASE("serve session: a missing profiler endpoint is an error in the status, the capture goes on",
          "[capture][faults]") {
  const fs::path dir = test::fresh_temp_dir("serve_session", "profiler");
  testing::TestServerOptions so;
  so.max_lifetime_s = 60;
  so.profiler = false;  // vLLM started without a profiler directory
  testing::TestServer server(so);
  REQUIRE(server.start() > 0);
  capture::ServeOpts o = test::watch_opts(server.base_url(), dir);
  capture::ServeSession none(o);
  std::string err;
  CHECK_FALSE(none.arm_profiler(1, &err));  // no --profile-dir: said at once
  CHECK_THAT(err, Catch::Contains("--profile-dir"));

  o.profile_dir = (dir / "prof").string();
  capture::ServeSession s(o);
  REQUIRE(s.prepare(&err) == 0);
  s.start();
  REQUIRE(s.arm_profiler(1, &err));
  std::string state;
  for (int i = 0; i < 200 && state.rfind("error", 0) != 0; ++i) {
    std::this_thread::sleep_for(10ms);
    state = s.status().profiler;
  }
  CHECK_THAT(state, Catch::StartsWith("error: POST /start_profile: HTTP 404"));
  CHECK(s.status().scrapes > 0);  // still capturing
  CHECK(s.finish() == 0);
}

TEST_CASE("serve session: SGLang's profiler armed for N steps per stage stops itself, vLLM's says why not",
          "[capture][profiler]") {
  const fs::path dir = test::fresh_temp_dir("serve_session", "steps");
  testing::TestServerOptions so;
  so.max_lifetime_s = 60;
  so.profile_dir = dir / "prof";
  so.trace_fixture = fs::path(HOTPATH_TEST_DATA) / "shell/hta_trace_compare_base.json.gz";
  testing::TestServer server(so);
  REQUIRE(server.start() > 0);
  capture::ServeOpts o = test::watch_opts(server.base_url(), dir);
  o.profile_dir = so.profile_dir.string();
  std::string err;
  {
    capture::ServeSession vllm(o);
    REQUIRE(vllm.prepare(&err) == 0);
    CHECK_FALSE(vllm.arm_profiler_steps(8, false, &err));
    CHECK_THAT(err, Catch::Contains("max_iterations"));
  }
  o.engine = "sglang";
  o.output = (dir / "sglang.hotpath").string();
  capture::ServeSession s(o);
  REQUIRE(s.prepare(&err) == 0);
  s.start();
  std::vector<std::shared_ptr<const Run>> got;
  std::mutex mu;
  s.on_traces([&](std::shared_ptr<const Run> r) {
    std::lock_guard l(mu);
    got.push_back(std::move(r));
  });
  REQUIRE(s.arm_profiler_steps(8, true, &err));
  CHECK(s.status().profiler == "armed for 8 steps per stage");
  std::string state;
  for (int i = 0; i < 1000 && state != "done" && state.rfind("error", 0) != 0; ++i) {
    std::this_thread::sleep_for(10ms);
    state = s.status().profiler;
  }
  CHECK(state == "done");
  CHECK(s.status().traces_imported == 2);  // one capture per stage
  const auto body = nlohmann::json::parse(server.counts().last_profile_start_body);
  CHECK(body.at("num_steps") == 8);
  CHECK(body.at("profile_by_stage") == true);
  CHECK(server.counts().profile_stops == 0);  // it stopped itself
  CHECK(s.finish() == 0);
  std::lock_guard l(mu);
  CHECK(got.size() == 1);
}

TEST_CASE("serve session --kv-events: block events into the run file and the KV panel's block view",
          "[capture][kv_events]") {
  const fs::path dir = test::fresh_temp_dir("serve_session", "kv");
  testing::TestServerOptions so;
  so.max_lifetime_s = 60;
  testing::TestServer server(so);
  REQUIRE(server.start() > 0);
  test::KvPublisher pub;
  capture::ServeOpts o = test::watch_opts(server.base_url(), dir);
  o.kv_events = pub.endpoint();
  o.kv_events_replay = pub.replay_endpoint();
  capture::ServeSession s(o);
  std::string err;
  REQUIRE(s.prepare(&err) == 0);
  s.start();
  // PUB/SUB joins asynchronously: empty batches until one arrives.
  for (int i = 0; i < 300 && s.status().kv_messages == 0; ++i) {
    pub.publish(test::pack_kv_batch(0, {}, false));
    std::this_thread::sleep_for(10ms);
  }
  REQUIRE(s.status().kv_messages > 0);
  const double now = static_cast<double>(capture::epoch_now_ns()) / 1e9;
  pub.publish(test::pack_kv_batch(now, {{"BlockStored", {1, 2, 3}, {}}}, false));
  pub.publish(test::pack_kv_batch(now + 0.5, {{"BlockRemoved", {1}, {}}}, true), /*drop=*/true);  // a gap
  pub.publish(
      test::pack_kv_batch(now + 1.0, {{"BlockRemoved", {2}, {}}, {"AllBlocksCleared", {}, {}}}, true));
  for (int i = 0; i < 300 && s.status().kv_block_events < 6; ++i) std::this_thread::sleep_for(10ms);
  CHECK(s.status().kv_refilled == 1);
  REQUIRE(s.finish() == 0);

  ServingData d = read_serving(dir / "run.hotpath");
  REQUIRE(d.kv_events.size() == 6);
  CHECK(d.kv_events[0].kind == kv::KvEventKind::Stored);
  CHECK(d.kv_events[3].kind == kv::KvEventKind::Removed);
  CHECK(d.kv_events[3].hash == 1);  // refilled from the replay socket, in sequence order
  CHECK(d.kv_events[5].kind == kv::KvEventKind::Cleared);
  CHECK(d.meta.at("kv_events.gaps") == "1");
  CHECK(d.meta.at("kv_events.refilled") == "1");
  CHECK(d.meta.at("kv_events.block_events") == "6");

  // The opened run holds them on the session axis.
  LoadProgress lp;
  auto session = load_session({dir / "run.hotpath"}, lp);
  REQUIRE(session->kv_events.size() == 6);
  CHECK(std::llabs(session->kv_events[5].ts - session->kv_events[0].ts - 1'000'000'000) < 1000);
}
