#include "core/serving/workload_class.h"

#include <catch2/catch.hpp>

#include <cmath>

using namespace hp::serving;

namespace {
constexpr int64_t kS = 1000000000LL;
}

TEST_CASE("workload phase and context classes", "[serving][workload]") {
  WorkloadInput in{{1000, 2000, 3000}, {100, 200, 300}, {}};
  WorkloadClass c = classify_workload(in);
  CHECK(c.median_input == 2000);
  CHECK(c.median_output == 200);
  CHECK(c.p90_input == Approx(2800));
  CHECK(c.phase == "prefill-heavy");  // 2000 >= 4 * 200
  CHECK_FALSE(c.long_context);
  CHECK(c.arrivals == "unknown");  // no arrivals
  CHECK(c.label() == "prefill-heavy");

  CHECK(classify_workload({{100, 100}, {200, 200}, {}}).phase == "decode-heavy");  // 200 >= 2 * 100
  CHECK(classify_workload({{100, 100}, {199, 199}, {}}).phase == "balanced");
  CHECK(classify_workload({{399}, {100}, {}}).phase == "balanced");
  CHECK(classify_workload({{9000, 9000, 100}, {10, 10, 10}, {}}).long_context);  // p90 = 9000
  CHECK(classify_workload({}).phase == "unknown");
}

TEST_CASE("arrival coefficient of variation", "[serving][workload]") {
  WorkloadInput regular;
  for (int i = 0; i < 11; ++i) regular.arrivals_ns.push_back(i * kS);
  WorkloadClass r = classify_workload(regular);
  CHECK(r.arrival_cv == 0);
  CHECK(r.arrivals == "regular");

  // 9 gaps: eight of 0 and one of 10 s -> CV = sqrt(8).
  WorkloadInput bursty;
  for (int i = 0; i < 9; ++i) bursty.arrivals_ns.push_back(0);
  bursty.arrivals_ns.push_back(10 * kS);
  WorkloadClass b = classify_workload(bursty);
  CHECK(b.arrival_cv == Approx(std::sqrt(8.0)));
  CHECK(b.arrivals == "bursty");

  // Gaps alternating 0.5 s and 1.5 s: mean 1, std 0.5 -> CV 0.5, poisson-like (inclusive bound).
  WorkloadInput mid;
  int64_t t = 0;
  for (int i = 0; i < 11; ++i) {
    mid.arrivals_ns.push_back(t);
    t += (i % 2 ? 1500 : 500) * 1000000LL;
  }
  WorkloadClass m = classify_workload(mid);
  CHECK(m.arrival_cv == Approx(0.5));
  CHECK(m.arrivals == "poisson-like");

  WorkloadInput once;
  once.arrivals_ns.assign(12, 5);
  CHECK(classify_workload(once).arrivals == "simultaneous");
}

TEST_CASE("workload input keeps measured successful requests", "[serving][workload]") {
  std::vector<RequestRecord> v(3);
  v[0].prompt_tokens = 10, v[0].output_tokens = 1, v[0].sent_ns = 5;
  v[1].warmup = true;
  v[2].status = RequestStatus::Timeout;
  WorkloadInput in = workload_input(v);
  CHECK(in.input_tokens.size() == 1);
  CHECK(in.arrivals_ns == std::vector<int64_t>{5});
}
