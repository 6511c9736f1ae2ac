#include "capture/replay_client.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <set>
#include <thread>

#include "tests/support/server_vllm.h"

using namespace hp;
using namespace hp::serving;

namespace {

Traffic make_traffic(const std::vector<std::string>& prompts, int64_t max_tokens) {
  Traffic t;
  t.format = "jsonl";
  for (const auto& p : prompts) {
    TrafficRequest r;
    r.prompt = p;
    r.max_tokens = max_tokens;
    r.input_tokens = 4;
    t.requests.push_back(r);
  }
  return t;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// A server that answers at once (1-ms TTFT and ITL).
testing::TestServerOptions fast_server() {
  testing::TestServerOptions so;
  so.ttft_ms = 1;
  so.itl_ms = 1;
  so.max_lifetime_s = 60;
  return so;
}

// An open loop at `rate` whose gaps are all 1/rate (gamma shape 1e9).
capture::ReplayOptions evenly_spaced(const testing::TestServer& server, double rate) {
  capture::ReplayOptions opt;
  opt.base_url = server.base_url();
  opt.model = "test-model";
  opt.arrival.kind = ArrivalKind::Gamma;
  opt.arrival.rate = rate;
  opt.arrival.burstiness = 1e9;
  return opt;
}

}  // namespace

TEST_CASE("replay: TTFT and ITL follow the server's schedule", "[capture][replay]") {
  testing::TestServerOptions so;
  so.ttft_ms = 50;
  so.itl_ms = 10;
  so.max_lifetime_s = 60;
  testing::TestServer server(so);
  REQUIRE(server.start() > 0);

  for (const char* endpoint : {"/v1/completions", "/v1/chat/completions"}) {
    Traffic traffic = make_traffic({"one two three", "four five six seven"}, 12);
    capture::ReplayOptions opt;
    opt.base_url = server.base_url();
    opt.endpoint = endpoint;
    opt.arrival.kind = ArrivalKind::ClosedLoop;
    opt.arrival.concurrency = 4;
    opt.arrival.num_requests = 16;
    opt.request_id_prefix =
        std::string("t-") + (endpoint[4] == 'c' && endpoint[5] == 'h' ? "chat-" : "cmpl-");
    capture::ReplayClient client(opt, traffic);
    std::vector<RequestRecord> done;
    CHECK(client.run([&](const RequestRecord& r) { done.push_back(r); }) == 16);
    CHECK(client.model() == "test-model");  // discovered through /v1/models
    REQUIRE(done.size() == 16);
    std::vector<double> ttft, itl;
    for (const auto& r : done) {
      INFO(r.request_id << " " << to_string(r.status) << " " << r.error);
      REQUIRE(r.status == RequestStatus::Ok);
      CHECK(r.http_status == 200);
      CHECK(r.output_tokens == 12);
      CHECK(r.prompt_tokens == (r.index % 2 ? 4u : 3u));
      CHECK(r.tokens_from_usage);
      CHECK(r.token_chunk_ns.size() == 12);
      CHECK(r.max_tokens == 12);
      CHECK(r.sent_ns > 1'600'000'000'000'000'000);  // epoch, not a monotonic origin
      CHECK(r.scheduled_ns <= r.sent_ns);
      CHECK(r.first_chunk_ns <= r.first_token_ns);
      CHECK(r.end_ns >= r.token_chunk_ns.back());
      ttft.push_back(static_cast<double>(r.ttft_ns()) / 1e6);
      for (size_t i = 1; i < r.token_chunk_ns.size(); ++i)
        itl.push_back(static_cast<double>(r.token_chunk_ns[i] - r.token_chunk_ns[i - 1]) / 1e6);
    }
    INFO(endpoint);
    CHECK(median(ttft) == Approx(50).margin(5));
    CHECK(median(itl) == Approx(10).margin(3));
    for (double t : ttft) CHECK(t == Approx(50).margin(25));  // sanitizers, a shared machine
  }
  // Every request the client sent reached the server, with a unique X-Request-Id.
  auto ids = server.request_ids();
  CHECK(ids.size() == 32);
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == 32);
  CHECK(server.counts().completed == 32);
}

TEST_CASE("replay: jittered ITLs are measured gap by gap, and TTFT stays on schedule", "[capture][replay]") {
  testing::TestServerOptions so;
  so.ttft_ms = 30;
  so.itl_ms = 20;
  so.itl_jitter_pct = 40;  // each gap 12-28 ms
  so.max_lifetime_s = 60;
  testing::TestServer server(so);
  REQUIRE(server.start() > 0);
  capture::ReplayOptions opt;
  opt.base_url = server.base_url();
  opt.arrival.concurrency = 4;
  opt.arrival.num_requests = 8;
  const Traffic traffic = make_traffic({"a b", "c d e"}, 10);
  capture::ReplayClient client(opt, traffic);
  std::vector<RequestRecord> done;
  client.run([&](const RequestRecord& r) { done.push_back(r); });
  REQUIRE(done.size() == 8);
  std::vector<double> ttft, miss, spread;
  for (const auto& r : done) {
    REQUIRE(r.status == RequestStatus::Ok);
    REQUIRE(r.token_chunk_ns.size() == 10);
    ttft.push_back(static_cast<double>(r.ttft_ns()) / 1e6);
    for (size_t i = 1; i < r.token_chunk_ns.size(); ++i) {
      const auto k = static_cast<int64_t>(i);
      double due = 20.0 + static_cast<double>(testing::itl_jitter_ns(so, r.request_id, k)) / 1e6;
      double got = static_cast<double>(r.token_chunk_ns[i] - r.token_chunk_ns[i - 1]) / 1e6;
      miss.push_back(std::abs(got - due));
      spread.push_back(due);
    }
  }
  CHECK(median(ttft) == Approx(30).margin(5));
  CHECK(median(miss) < 2.0);  // against the plain 20 ms grid the median miss would be 4 ms
  std::sort(spread.begin(), spread.end());
  CHECK(spread.front() < 14.0);
  CHECK(spread.back() > 26.0);
}

TEST_CASE("replay: every injected fault is a failed request with its reason, and the run goes on",
          "[capture][replay]") {
  testing::TestServerOptions so;
  so.ttft_ms = 20;
  so.itl_ms = 5;
  so.stall_ms = 2500;
  so.max_lifetime_s = 60;
  testing::TestServer server(so);
  REQUIRE(server.start() > 0);
  Traffic traffic = make_traffic({"ok a", "[fault:500] b", "[fault:429] c", "[fault:disconnect] d",
                                  "[fault:stall] e", "[fault:malformed] f", "[fault:error-event] g", "ok h"},
                                 8);
  capture::ReplayOptions opt;
  opt.base_url = server.base_url();
  opt.model = "test-model";
  opt.arrival.kind = ArrivalKind::ClosedLoop;
  opt.arrival.concurrency = 8;
  opt.read_timeout_s = 1;
  capture::ReplayClient client(opt, traffic);
  std::map<std::string, RequestRecord> by_prompt;
  std::vector<RequestRecord> done;
  client.run([&](const RequestRecord& r) { done.push_back(r); });
  REQUIRE(done.size() == 8);
  std::sort(done.begin(), done.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
  CHECK(done[0].status == RequestStatus::Ok);
  CHECK(done[1].status == RequestStatus::HttpError);
  CHECK(done[1].http_status == 500);
  CHECK_THAT(done[1].error, Catch::Contains("HTTP 500") && Catch::Contains("injected fault 500"));
  CHECK(done[2].status == RequestStatus::HttpError);
  CHECK(done[2].http_status == 429);
  CHECK(done[3].status == RequestStatus::Disconnect);
  CHECK(done[3].token_chunk_ns.size() == 3);
  CHECK_THAT(done[3].error, Catch::Contains("after 3 content chunks"));
  CHECK(done[4].status == RequestStatus::Timeout);
  CHECK(done[4].token_chunk_ns.size() == 2);
  CHECK(done[5].status == RequestStatus::Malformed);
  CHECK_THAT(done[5].error, Catch::Contains("malformed SSE event"));
  CHECK(done[6].status == RequestStatus::HttpError);
  CHECK_THAT(done[6].error, Catch::Contains("injected error event"));
  CHECK(done[7].status == RequestStatus::Ok);
  CHECK(done[7].output_tokens == 8);
  CHECK(client.progress().ok == 2);
  CHECK(client.progress().failed == 6);
  CHECK(server.counts().requests == 8);
}

TEST_CASE("replay: a refused connection is a connect error, not a hang", "[capture][replay]") {
  Traffic traffic = make_traffic({"a"}, 4);
  capture::ReplayOptions opt;
  opt.base_url = "http://127.0.0.1:1";  // nothing listens on port 1
  opt.model = "m";
  opt.arrival.num_requests = 2;
  capture::ReplayClient client(opt, traffic);
  std::vector<RequestRecord> done;
  client.run([&](const RequestRecord& r) { done.push_back(r); });
  REQUIRE(done.size() == 2);
  CHECK(done[0].status == RequestStatus::ConnectError);
  CHECK_FALSE(done[0].error.empty());
}

TEST_CASE("replay: open-loop Poisson arrivals, warm-up, duration and the API key", "[capture][replay]") {
  testing::TestServerOptions so;
  so.ttft_ms = 5;
  so.itl_ms = 2;
  so.api_key = "sk-test-0123456789";
  testing::TestServer server(so);
  REQUIRE(server.start() > 0);
  Traffic traffic = make_traffic({"a b", "c d"}, 3);
  capture::ReplayOptions opt;
  opt.base_url = server.base_url();
  opt.api_key = "sk-test-0123456789";
  opt.arrival.kind = ArrivalKind::Poisson;
  opt.arrival.rate = 40;
  opt.arrival.duration_s = 1.0;
  opt.arrival.warmup = 2;
  opt.arrival.seed = 7;
  capture::ReplayClient client(opt, traffic);
  std::vector<RequestRecord> done;
  client.run([&](const RequestRecord& r) { done.push_back(r); });
  size_t warm = std::count_if(done.begin(), done.end(), [](const auto& r) { return r.warmup; });
  CHECK(warm == 2);
  size_t measured = done.size() - warm;
  CHECK(measured >= 20);  // 40/s over 1 s: Poisson, seed 7
  CHECK(measured <= 60);
  for (const auto& r : done) {
    INFO(r.error);
    CHECK(r.status == RequestStatus::Ok);
  }
  // Scheduled times follow the arrival process: strictly after the warm-up ones, spread over 1 s.
  int64_t first = INT64_MAX, last = 0;
  for (const auto& r : done)
    if (!r.warmup) first = std::min(first, r.scheduled_ns), last = std::max(last, r.scheduled_ns);
  CHECK(last - first <= 1'000'000'000);
  CHECK(last - first >= 500'000'000);

  // Without the key the server refuses: the failure says so.
  opt.api_key.clear();
  opt.model = "test-model";
  opt.arrival = {};
  opt.arrival.num_requests = 1;
  capture::ReplayClient anon(opt, traffic);
  std::vector<RequestRecord> refused;
  anon.run([&](const RequestRecord& r) { refused.push_back(r); });
  REQUIRE(refused.size() == 1);
  CHECK(refused[0].http_status == 401);
}

TEST_CASE("replay: a closed loop hands warm-up slots straight to measured requests", "[capture][replay]") {
  testing::TestServerOptions so;
  so.ttft_ms = 20;
  so.itl_ms = 10;
  testing::TestServer server(so);
  REQUIRE(server.start() > 0);
  // Warm-up: a 2-token and a 30-token stream (ends ~320 ms in). Then two measured requests.
  Traffic traffic = make_traffic({"[tokens:2] short", "[tokens:30] long"}, 64);
  capture::ReplayOptions opt;
  opt.base_url = server.base_url();
  opt.model = "test-model";
  opt.arrival.kind = ArrivalKind::ClosedLoop;
  opt.arrival.concurrency = 2;
  opt.arrival.warmup = 2;
  opt.arrival.num_requests = 2;
  capture::ReplayClient client(opt, traffic);
  std::vector<RequestRecord> done;
  CHECK(client.run([&](const RequestRecord& r) { done.push_back(r); }) == 4);
  REQUIRE(done.size() == 4);
  std::sort(done.begin(), done.end(), [](const auto& a, const auto& b) { return a.index < b.index; });
  for (const auto& r : done) REQUIRE(r.status == RequestStatus::Ok);
  CHECK(done[0].warmup);
  CHECK(done[1].warmup);
  CHECK(done[1].output_tokens == 30);
  CHECK_FALSE(done[2].warmup);
  // The first measured request took the short warm-up's slot while the long one was still streaming
  // (draining the warm-up first would start it only after done[1] ended).
  CHECK(done[2].sent_ns >= done[0].end_ns);
  CHECK(done[2].sent_ns < done[1].end_ns - 150'000'000);
}

TEST_CASE("replay: a pause sends nothing new, a closed loop's concurrency changes while it runs",
          "[capture][replay]") {
  testing::TestServerOptions so;
  so.ttft_ms = 20;
  so.itl_ms = 10;
  so.max_lifetime_s = 60;
  testing::TestServer server(so);
  REQUIRE(server.start() > 0);
  capture::ReplayOptions opt;
  opt.base_url = server.base_url();
  opt.model = "test-model";
  opt.arrival.concurrency = 2;
  opt.arrival.num_requests = 40;
  const Traffic traffic = make_traffic({"a b"}, 4);  // 20 + 3 x 10 = 50 ms a request
  capture::ReplayClient client(opt, traffic);
  std::atomic<int> max_in_flight{0};
  std::thread watcher([&] {
    while (client.progress().sent < 40 || client.progress().in_flight > 0) {
      max_in_flight = std::max<int>(max_in_flight, static_cast<int>(client.progress().in_flight));
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  uint64_t sent_paused = 0, sent_later = 0, in_flight_paused = 0;
  int max_before = 0;
  std::thread control([&] {  // Catch2 assertions stay on the main thread
    while (client.progress().ok < 4) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    client.set_paused(true);
    std::this_thread::sleep_for(std::chrono::milliseconds(150));  // in-flight ones finish
    sent_paused = client.progress().sent;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    sent_later = client.progress().sent;
    in_flight_paused = client.progress().in_flight;
    max_before = max_in_flight;
    client.set_concurrency(6);
    client.set_paused(false);
  });
  std::vector<RequestRecord> done;
  client.run([&](const RequestRecord& r) { done.push_back(r); });
  control.join();
  watcher.join();
  CHECK(sent_later == sent_paused);  // nothing new while paused
  CHECK(in_flight_paused == 0);
  CHECK(max_before <= 2);
  CHECK(done.size() == 40);
  CHECK(client.progress().ok == 40);
  CHECK(max_in_flight > 2);  // the new concurrency took effect
  CHECK(max_in_flight <= 6);
  CHECK(client.concurrency() == 6);
}

TEST_CASE("replay: an open loop's rate changes while it runs, the gaps to come rescaled",
          "[capture][replay]") {
  testing::TestServer server(fast_server());
  REQUIRE(server.start() > 0);
  capture::ReplayOptions opt = evenly_spaced(server, 20);  // 50-ms gaps
  opt.arrival.num_requests = 40;
  const Traffic traffic = make_traffic({"a b"}, 2);
  capture::ReplayClient client(opt, traffic);
  CHECK(client.rate() == 0);  // set once the run starts
  std::thread control([&] {
    while (client.progress().sent < 10) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    client.set_rate(100);  // 10-ms gaps from now on
  });
  std::vector<RequestRecord> done;
  client.run([&](const RequestRecord& r) { done.push_back(r); });
  control.join();
  REQUIRE(done.size() == 40);
  std::vector<int64_t> sent;
  for (const auto& r : done) sent.push_back(r.sent_ns);
  std::sort(sent.begin(), sent.end());
  auto gap_ms = [&](size_t i) { return static_cast<double>(sent[i + 1] - sent[i]) / 1e6; };
  for (size_t i = 0; i < 8; ++i) CHECK(gap_ms(i) == Approx(50).margin(15));
  std::vector<double> late;
  for (size_t i = 12; i + 1 < sent.size(); ++i) late.push_back(gap_ms(i));
  std::sort(late.begin(), late.end());
  CHECK(late[late.size() / 2] == Approx(10).margin(4));
  // 9 gaps of 50 ms and 30 of 10 ms, against 1,950 ms had the rate stayed.
  CHECK(static_cast<double>(sent.back() - sent.front()) / 1e6 < 1100);
  CHECK(client.rate() == 100);
}

TEST_CASE("replay: a --duration open loop whose rate is raised keeps sending until the time is up",
          "[capture][replay]") {
  testing::TestServer server(fast_server());
  REQUIRE(server.start() > 0);
  capture::ReplayOptions opt = evenly_spaced(server, 10);  // 100-ms gaps: 11 fit the second at this rate
  opt.arrival.duration_s = 1.0;
  const Traffic traffic = make_traffic({"a b"}, 2);
  capture::ReplayClient client(opt, traffic);
  std::thread control([&] {
    while (client.progress().sent < 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    client.set_rate(100);  // 10-ms gaps from now on
  });
  std::vector<RequestRecord> done;
  client.run([&](const RequestRecord& r) { done.push_back(r); });
  control.join();
  std::vector<int64_t> sent;
  for (const auto& r : done) sent.push_back(r.sent_ns);
  std::sort(sent.begin(), sent.end());
  // About 2 + 0.9 s x 100/s; had the schedule stopped at its 11 arrivals, the last would go out at ~0.2 s.
  CHECK(done.size() > 60);
  CHECK(done.size() < 110);
  CHECK(static_cast<double>(sent.back() - sent.front()) / 1e9 > 0.8);
  CHECK(static_cast<double>(sent.back() - sent.front()) / 1e9 < 1.05);
}
