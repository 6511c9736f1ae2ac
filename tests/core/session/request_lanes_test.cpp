#include <catch2/catch.hpp>

#include <random>

#include "core/session/request_lanes.h"
#include "core/session/session_builder.h"

using namespace hp;

namespace {

ServingData random_requests(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<Ns> gap(0, 3'000'000), len(1'000, 40'000'000);
  ServingData d;
  Ns t = 1'700'000'000'000'000'000;
  for (size_t i = 0; i < n; ++i) {
    t += gap(rng);
    serving::RequestRecord r;
    r.request_id = std::to_string(i);
    r.scheduled_ns = r.sent_ns = t;
    r.first_token_ns = t + 500;
    r.end_ns = t + len(rng);
    if (i % 97 == 5) r.scheduled_ns = r.sent_ns = 0;  // never sent: no start time
    d.requests.push_back(r);
  }
  return d;
}

}  // namespace

TEST_CASE("request lanes: no overlap within a lane, lane count = peak concurrency (brute force)") {
  for (uint32_t seed : {1u, 2u, 3u}) {
    SessionBuilder b;
    b.add_serving(random_requests(2000, seed), SourceKind::Capture, "c");
    auto s = b.finish();
    const RequestTable& rq = s->requests;
    RequestLanes lanes = pack_request_lanes(rq);
    size_t untimed = 0, peak = 0;
    for (size_t i = 0; i < rq.size(); ++i) {
      if (rq.start_of(i) == kNoTime) {
        ++untimed;
        CHECK(lanes.lane[i] == kNone);
        continue;
      }
      size_t active = 0;  // requests running at i's start (half-open [start, end))
      for (size_t j = 0; j < rq.size(); ++j)
        if (rq.start_of(j) != kNoTime && rq.start_of(j) <= rq.start_of(i) && rq.end_of(j) > rq.start_of(i))
          ++active;
      peak = std::max(peak, active);
    }
    CHECK(lanes.untimed == untimed);
    CHECK(lanes.lanes() == peak);
    CHECK(lanes.order.size() + untimed == rq.size());
    for (uint32_t l = 0; l < lanes.lanes(); ++l)
      for (uint32_t k = lanes.lane_begin[l] + 1; k < lanes.lane_begin[l + 1]; ++k) {
        CHECK(rq.end_of(lanes.order[k - 1]) <= rq.start_of(lanes.order[k]));
        CHECK(lanes.lane[lanes.order[k]] == l);
      }
  }
}

TEST_CASE("request lanes: fold_break equals a linear scan for every start and threshold") {
  SessionBuilder b;
  b.add_serving(random_requests(3000, 9), SourceKind::Capture, "c");
  auto s = b.finish();
  RequestLanes lanes = pack_request_lanes(s->requests);
  const auto n = static_cast<uint32_t>(lanes.order.size());
  for (Ns max_gap : {Ns{0}, Ns{10'000}, Ns{1'000'000}, Ns{50'000'000}})
    for (Ns min_wide : {Ns{1}, Ns{100'000}, Ns{20'000'000}, INT64_MAX})
      for (uint32_t from = 0; from < n; from += 7) {
        uint32_t expect = from;
        while (expect < n && lanes.gap_after[expect] <= max_gap && lanes.dur[expect] < min_wide) ++expect;
        REQUIRE(lanes.fold_break(from, max_gap, min_wide) == expect);
      }
  // A lane's last request always breaks (the gap after it is unbounded).
  for (uint32_t l = 0; l < lanes.lanes(); ++l)
    CHECK(lanes.gap_after[lanes.lane_begin[l + 1] - 1] == INT64_MAX);
}

TEST_CASE("request lanes: extending with requests recorded as they finish equals packing them all") {
  for (uint32_t seed : {4u, 5u}) {
    ServingData all = random_requests(3000, seed);
    // A live capture records a request when it ends: rows arrive in end order, not start order.
    std::stable_sort(all.requests.begin(), all.requests.end(),
                     [](const auto& a, const auto& b) { return a.end_ns < b.end_ns; });
    auto prefix = [&](size_t k) {
      ServingData d;
      d.requests.assign(all.requests.begin(), all.requests.begin() + static_cast<std::ptrdiff_t>(k));
      SessionBuilder b;
      b.add_serving(std::move(d), SourceKind::Capture, "c");
      return b.finish();
    };
    RequestLanes lanes = pack_request_lanes(prefix(1)->requests);
    for (size_t k : {2u, 40u, 41u, 700u, 1500u, 2999u, 3000u}) {
      auto s = prefix(k);
      RequestLanes next = extend_request_lanes(lanes, s->requests);
      RequestLanes full = pack_request_lanes(s->requests);
      INFO("seed " << seed << ", " << k << " rows");
      CHECK(next.lane == full.lane);
      CHECK(next.lane_begin == full.lane_begin);
      CHECK(next.order == full.order);
      CHECK(next.untimed == full.untimed);
      CHECK(next.dur == full.dur);
      CHECK(next.gap_after == full.gap_after);
      CHECK(next.block_max_dur == full.block_max_dur);
      CHECK(next.block_max_gap == full.block_max_gap);
      lanes = std::move(next);
    }
    CHECK(lanes.untimed == 31);  // rows 5, 102, ... have no start
    CHECK(lanes.lanes() > 5);
  }
}
