#include <catch2/catch.hpp>

#include <random>

#include "core/session/live_session_builder.h"
#include "core/session/session_builder.h"

using namespace hp;

namespace {

constexpr Ns kT0 = 1'700'000'000'000'000'000;

// Requests as a live capture records them: when they end, so starts arrive out of order.
std::vector<serving::RequestRecord> finished_requests(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<Ns> gap(0, 2'000'000), len(1'000'000, 900'000'000);
  std::vector<serving::RequestRecord> out;
  Ns t = kT0 + 300'000'000;
  for (size_t i = 0; i < n; ++i) {
    t += gap(rng);
    serving::RequestRecord r;
    r.request_id = "req-" + std::to_string(i);
    r.endpoint = i % 3 ? "/v1/completions" : "/v1/chat/completions";
    r.scheduled_ns = r.sent_ns = t;
    r.first_token_ns = r.first_chunk_ns = t + 20'000'000;
    r.end_ns = t + len(rng);
    for (Ns k = 1; k <= 3; ++k) r.token_chunk_ns.push_back(r.first_token_ns + k * 5'000'000);
    r.output_tokens = 4;
    out.push_back(r);
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.end_ns < b.end_ns; });
  return out;
}

// What the publisher built before: everything from a full copy.
Snapshot full_build(const LiveServing& live, std::shared_ptr<const Run> run) {
  SessionBuilder b;
  b.set_run(std::move(run), "torch profiler");
  b.add_serving(live.copy(), SourceKind::Capture, "http://ep");
  return make_snapshot(b.finish());
}

void check_same(const Snapshot& got, const Snapshot& want) {
  const Session& a = *got.session;
  const Session& b = *want.session;
  REQUIRE(a.requests.size() == b.requests.size());
  CHECK(a.epoch_base_ns == b.epoch_base_ns);
  CHECK(a.requests.arrival == b.requests.arrival);
  CHECK(a.requests.finish == b.requests.finish);
  CHECK(a.requests.last_token == b.requests.last_token);
  CHECK(a.requests.itl == b.requests.itl);
  CHECK(a.requests.itl_begin == b.requests.itl_begin);
  for (size_t i = 0; i < a.requests.size(); ++i) {
    if (a.str(a.requests.id[i]) != b.str(b.requests.id[i]) ||
        a.str(a.requests.endpoint[i]) != b.str(b.requests.endpoint[i])) {
      FAIL("request " << i << " differs");
    }
  }
  REQUIRE(a.sources.size() == b.sources.size());
  for (size_t i = 0; i < a.sources.size(); ++i) {
    CHECK(a.sources[i].name == b.sources[i].name);
    CHECK(a.sources[i].begin == b.sources[i].begin);
    CHECK(a.sources[i].end == b.sources[i].end);
    CHECK(a.sources[i].offset_ns == b.sources[i].offset_ns);
  }
  REQUIRE(a.series.size() == b.series.size());
  for (size_t i = 0; i < a.series.size(); ++i) {
    CHECK(a.str(a.series.info[i].name) == b.str(b.series.info[i].name));
    CHECK(a.series.info[i].begin == b.series.info[i].begin);
    CHECK(a.series.info[i].end == b.series.info[i].end);
  }
  CHECK(a.series.ts == b.series.ts);
  CHECK(a.series.value == b.series.value);
  CHECK(a.events.ts == b.events.ts);
  CHECK(a.meta == b.meta);
  CHECK(a.warnings == b.warnings);
  CHECK(got.derived->lanes.lane == want.derived->lanes.lane);
  CHECK(got.derived->lanes.order == want.derived->lanes.order);
  CHECK(got.derived->lanes.gap_after == want.derived->lanes.gap_after);
  CHECK(got.derived->extent == want.derived->extent);
}

}  // namespace

TEST_CASE("live session builder: each snapshot equals a full build, and earlier snapshots keep their rows") {
  LiveServing live;
  live.set_meta("endpoint", "http://ep");
  auto run = std::make_shared<const Run>();
  LiveSessionBuilder builder("http://ep");
  const auto reqs = finished_requests(2400, 7);
  Snapshot first;
  size_t first_rows = 0;
  Ns first_last_arrival = 0;
  size_t b = 0;
  for (size_t batch : {1u, 9u, 300u, 90u, 1000u, 1000u}) {
    for (size_t i = b; i < b + batch; ++i) {
      live.add_request(reqs[i]);
      if (i % 50 == 0) {
        live.add_samples({"vllm:num_requests_running", {{"engine", "0"}}},
                         {{reqs[i].end_ns, double(i % 13)}});
        live.add_samples({"vllm:prompt_tokens_total", {}}, {{reqs[i].end_ns, double(i)}});
        live.add_server_event({reqs[i].end_ns, "finished", reqs[i].request_id, reqs[i].request_id, 0});
      }
    }
    b += batch;
    Snapshot snap = builder.update(live, run);
    INFO(b << " requests");
    CHECK(snap.session->requests.size() == b);
    CHECK(builder.rebuilt() == (b == 1));
    check_same(snap, full_build(live, run));
    if (b == 310) {
      first = snap;
      first_rows = b;
      first_last_arrival = snap.session->requests.arrival.back();
    }
  }
  // The snapshot taken at 310 requests still shows those, unchanged by 2,090 appended since.
  REQUIRE(first);
  CHECK(first.session->requests.size() == first_rows);
  CHECK(first.session->requests.arrival.back() == first_last_arrival);
  CHECK(first.session->str(first.session->requests.id[0]) == reqs[0].request_id);
  CHECK(first.derived->lanes.lane.size() == first_rows);
}

TEST_CASE("live session builder: starts over when the clock moves or the trace arrives") {
  LiveServing live;
  auto run = std::make_shared<const Run>();
  LiveSessionBuilder builder("http://ep");
  const auto reqs = finished_requests(200, 8);
  for (size_t i = 0; i < 100; ++i) live.add_request(reqs[i]);
  builder.update(live, run);
  for (size_t i = 100; i < 200; ++i) live.add_request(reqs[i]);
  builder.update(live, run);
  CHECK_FALSE(builder.rebuilt());
  // A request that started a second before everything else moves session time 0.
  serving::RequestRecord early = reqs[0];
  early.request_id = "early";
  early.scheduled_ns = early.sent_ns = kT0 - 700'000'000;
  live.add_request(early);
  Snapshot s = builder.update(live, run);
  CHECK(builder.rebuilt());
  CHECK(s.session->epoch_base_ns == kT0 - 1'000'000'000);
  check_same(s, full_build(live, run));
  // Another Run object (the profiler's traces, imported) places everything again.
  auto traces = std::make_shared<const Run>();
  s = builder.update(live, traces);
  CHECK(builder.rebuilt());
  CHECK(s.session->run == traces);
  check_same(s, full_build(live, traces));
}
