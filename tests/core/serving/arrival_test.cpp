#include <catch2/catch.hpp>

#include <cmath>

#include "core/serving/arrival.h"

using namespace hp::serving;

namespace {
double mean_gap_s(const std::vector<ScheduledRequest>& s) {
  return static_cast<double>(s.back().send_offset_ns - s.front().send_offset_ns) / 1e9 /
         static_cast<double>(s.size() - 1);
}
double cv_of_gaps(const std::vector<ScheduledRequest>& s) {
  double m = 0, m2 = 0;
  size_t n = s.size() - 1;
  for (size_t i = 1; i < s.size(); ++i) {
    double g = static_cast<double>(s[i].send_offset_ns - s[i - 1].send_offset_ns);
    m += g;
    m2 += g * g;
  }
  m /= static_cast<double>(n);
  return std::sqrt(m2 / static_cast<double>(n) - m * m) / m;
}
}  // namespace

TEST_CASE("arrival: Poisson and gamma means, burstiness, determinism", "[serving][arrival]") {
  std::vector<int64_t> offsets(100, -1);
  ArrivalOptions o;
  o.kind = ArrivalKind::Poisson;
  o.rate = 20;
  o.num_requests = 200000;
  o.seed = 42;
  auto p = make_schedule(offsets, o);
  REQUIRE(p.size() == 200000);
  CHECK(p[0].send_offset_ns == 0);
  CHECK(mean_gap_s(p) == Approx(0.05).epsilon(0.01));
  CHECK(cv_of_gaps(p) == Approx(1.0).epsilon(0.02));  // exponential: CV 1
  CHECK(p[150].traffic_index == 50);                  // cycles through the traffic

  auto again = make_schedule(offsets, o);
  CHECK(again[199999].send_offset_ns == p[199999].send_offset_ns);
  o.seed = 43;
  CHECK(make_schedule(offsets, o)[1000].send_offset_ns != p[1000].send_offset_ns);

  o.kind = ArrivalKind::Gamma;
  o.burstiness = 0.25;  // CV = 1/sqrt(shape) = 2
  auto g = make_schedule(offsets, o);
  CHECK(mean_gap_s(g) == Approx(0.05).epsilon(0.02));
  CHECK(cv_of_gaps(g) == Approx(2.0).epsilon(0.05));
  o.burstiness = 4;  // CV 0.5
  auto u = make_schedule(offsets, o);
  CHECK(mean_gap_s(u) == Approx(0.05).epsilon(0.01));
  CHECK(cv_of_gaps(u) == Approx(0.5).epsilon(0.03));
}

TEST_CASE("arrival: closed loop, infinite rate, duration, warmup, trace time scale", "[serving][arrival]") {
  std::vector<int64_t> trace{0, 1000000000, 1500000000, 4000000000};
  ArrivalOptions o;
  o.concurrency = 8;
  auto c = make_schedule(trace, o);
  REQUIRE(c.size() == 4);
  CHECK(c[2].send_offset_ns == -1);

  o.kind = ArrivalKind::Poisson;  // rate inf: everything at 0
  for (const auto& s : make_schedule(trace, o)) CHECK(s.send_offset_ns == 0);

  o.kind = ArrivalKind::Trace;
  o.time_scale = 0.5;
  o.warmup = 2;
  auto t = make_schedule(trace, o);
  REQUIRE(t.size() == 6);
  CHECK(t[0].warmup);
  CHECK(t[1].warmup);
  CHECK(t[0].send_offset_ns == -1);
  CHECK_FALSE(t[2].warmup);
  CHECK(t[2].traffic_index == 2);  // warmup consumed traffic 0 and 1
  CHECK(t[2].send_offset_ns == 750000000);
  CHECK(t[3].send_offset_ns == 2000000000);
  CHECK(t[4].traffic_index == 0);  // cycled: continues after the last arrival
  CHECK(t[4].send_offset_ns == 2000000000);
  CHECK(t[5].send_offset_ns == 2500000000);

  o.warmup = 0;
  o.time_scale = 1;
  o.duration_s = 1.6;
  auto d = make_schedule(trace, o);
  CHECK(d.size() == 3);
}

TEST_CASE("arrival: an open loop's schedule extended past its duration continues the same process",
          "[serving][arrival]") {
  std::vector<int64_t> offsets(7, -1);
  ArrivalOptions o;
  o.kind = ArrivalKind::Poisson;
  o.rate = 50;
  o.duration_s = 2;
  o.num_requests = 1000;
  o.warmup = 2;
  o.seed = 9;
  auto s = make_schedule(offsets, o);
  const size_t first = s.size();
  REQUIRE(first > 60);
  const ScheduledRequest last = s.back();
  CHECK(last.send_offset_ns <= 2'000'000'000);
  extend_schedule(s, offsets.size(), o, 50'000, 1);
  REQUIRE(s.size() == first + 50'000);
  CHECK(s[first].traffic_index == (last.traffic_index + 1) % 7);  // the traffic cycles on
  CHECK(s[first + 6].traffic_index == last.traffic_index);
  bool ordered = true, warm = false;
  for (size_t i = first; i < s.size(); ++i) {
    ordered = ordered && s[i].send_offset_ns >= s[i - 1].send_offset_ns;
    warm = warm || s[i].warmup;
  }
  CHECK(ordered);
  CHECK_FALSE(warm);
  CHECK(s[first].send_offset_ns > last.send_offset_ns);
  // Gaps of the same process: mean 1/rate, exponential (CV 1), reaching past the duration.
  std::vector<ScheduledRequest> tail(s.begin() + static_cast<std::ptrdiff_t>(first) - 1, s.end());
  CHECK(mean_gap_s(tail) == Approx(0.02).epsilon(0.02));
  CHECK(cv_of_gaps(tail) == Approx(1.0).epsilon(0.03));
  CHECK(s.back().send_offset_ns > 900'000'000'000);
  // Another round draws other gaps.
  auto t = make_schedule(offsets, o);
  extend_schedule(t, offsets.size(), o, 100, 2);
  CHECK(t[first + 50].send_offset_ns != s[first + 50].send_offset_ns);
}
