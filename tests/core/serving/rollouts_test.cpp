#include "core/serving/rollouts.h"

#include <catch2/catch.hpp>

using namespace hp::serving;

namespace {
constexpr int64_t kMs = 1'000'000;
RequestRecord req(uint64_t index, int64_t sent_ms, int64_t end_ms, uint32_t tokens) {
  RequestRecord r;
  r.index = index;
  r.request_id = "r" + std::to_string(index);
  r.sent_ns = sent_ms * kMs;
  r.end_ns = end_ms * kMs;
  r.output_tokens = tokens;
  return r;
}
}  // namespace

TEST_CASE("rollouts: groups by index / n, time to last completion, spread, lengths, stragglers",
          "[rollouts]") {
  std::vector<RequestRecord> reqs = {req(0, 1000, 1400, 10), req(1, 1000, 1600, 20), req(2, 1000, 1500, 15),
                                     req(3, 1000, 2000, 40), req(4, 1100, 1300, 5)};
  RequestRecord probe = req(9, 900, 2500, 1);
  probe.purpose = "probe:prefill";  // excluded
  reqs.push_back(probe);
  RolloutStats s = rollout_stats(reqs, 2, {});
  REQUIRE(s.groups.size() == 3);
  const auto& g0 = s.groups[0];
  CHECK(g0.requests == 2);
  CHECK_FALSE(g0.partial);
  CHECK(g0.to_last_ms == 600);  // 1600 - 1000
  CHECK(g0.spread_ms == 200);   // 1600 - 1400
  CHECK(g0.output_tokens.p50 == 15);
  CHECK(g0.output_min == 10);
  CHECK(g0.request_ids == std::vector<std::string>{"r0", "r1"});
  const auto& g1 = s.groups[1];
  CHECK(g1.to_last_ms == 1000);  // 2000 - 1000
  CHECK(g1.spread_ms == 500);    // 2000 - 1500
  CHECK(g1.output_tokens.p50 == 27.5);
  CHECK(g1.output_tokens.max == 40);
  CHECK(s.groups[2].partial);
  CHECK(s.groups[2].to_last_ms == 200);
  // Complete groups only: {600, 1000}.
  CHECK(s.to_last_ms.n == 2);
  CHECK(s.to_last_ms.p50 == 800);
  CHECK(s.spread_ms.max == 500);
  // In flight: 4 from 1000, 5 from 1100, 4 from 1300, 3 from 1400, 2 from 1500, 1 from 1600 to 2000.
  // Peak 5, so "few" is at most floor(5 / 4) = 1: 1600-2000 of the 1000-2000 run.
  CHECK(s.run_s == 1.0);
  CHECK(s.few_threshold == 1);
  CHECK(s.straggler_s == Approx(0.4));
  CHECK(s.straggler_share == Approx(0.4));
  CHECK(s.straggler_source == "client in-flight requests");

  // From the running-requests series instead: 3 from 1000, 1 from 1500, 0 from 1800 (peak 3: few = 1).
  s = rollout_stats(reqs, 2, {{1000 * kMs, 3}, {1500 * kMs, 1}, {1800 * kMs, 0}});
  CHECK(s.straggler_source == "requests_running series");
  CHECK(s.straggler_s == Approx(0.3));
}

TEST_CASE("rollouts: failed requests have no completion, repeat_each keeps groups together", "[rollouts]") {
  std::vector<RequestRecord> reqs = {req(0, 0, 100, 3), req(1, 0, 50, 0)};
  reqs[1].status = RequestStatus::HttpError;
  RolloutStats s = rollout_stats(reqs, 2, {});
  REQUIRE(s.groups.size() == 1);
  CHECK(s.groups[0].ok == 1);
  CHECK(s.groups[0].spread_ms == 0);
  CHECK(rollout_stats(reqs, 0, {}).groups.empty());

  std::vector<TrafficRequest> t(2);
  t[0].prompt = "a";
  t[1].prompt = "b";
  auto r = repeat_each(t, 3);
  REQUIRE(r.size() == 6);
  CHECK(r[2].prompt == "a");
  CHECK(r[3].prompt == "b");
}

TEST_CASE("rollouts: the scheduling position comes from the X-Request-Id, not the row order", "[rollouts]") {
  RequestRecord r;
  r.index = 7;  // a run file's row: completion order
  r.request_id = "hp-0a1b2c3d-000004";
  CHECK(rollout_position(r) == 4);
  r.request_id = "hp-0a1b2c3d-000004#3";  // choice 3 of a request with the API's n
  CHECK(rollout_position(r) == 7);
  r.request_id = "hp-0a1b2c3d-000012#10";
  CHECK(rollout_position(r) == 22);
  for (const char* id : {"", "cmpl-abc", "x-12#", "x-12#3a"}) {
    r.request_id = id;
    CHECK(rollout_position(r) == 7);  // no number: the row's index
  }
  // Rows in completion order (the short rollouts of group 1 first): grouped by their ids all the same.
  std::vector<RequestRecord> rows = {req(0, 1000, 1100, 5), req(1, 1000, 1200, 6), req(2, 1000, 1400, 10),
                                     req(3, 1000, 1600, 20)};
  for (auto& q : rows) q.request_id = "hp-";
  rows[0].request_id += "000002", rows[1].request_id += "000003", rows[2].request_id += "000000",
      rows[3].request_id += "000001";
  RolloutStats s = rollout_stats(rows, 2, {});
  REQUIRE(s.groups.size() == 2);
  CHECK(s.groups[0].request_ids == std::vector<std::string>{"hp-000000", "hp-000001"});
  CHECK(s.groups[0].spread_ms == 200);  // 1600 - 1400
  CHECK(s.groups[1].output_tokens.max == 6);
}
