#include "core/session/range_serving.h"

#include <catch2/catch.hpp>

#include "core/session/session_builder.h"

using namespace hp;

TEST_CASE("range statistics of requests and series, by hand") {
  constexpr Ns kT = 1'700'000'000'000'000'000;  // a whole second: session time 0
  ServingData d;
  for (Ns i = 0; i < 4; ++i) {  // sent at 0, 100, 200, 300 ms; TTFT 10, 20, 30, 40 ms; E2E 50..80 ms
    serving::RequestRecord r;
    r.request_id = std::to_string(i);
    r.scheduled_ns = r.sent_ns = kT + i * 100'000'000;
    r.first_token_ns = r.sent_ns + (i + 1) * 10'000'000;
    r.end_ns = r.sent_ns + (i + 5) * 10'000'000;
    r.status = i == 3 ? serving::RequestStatus::HttpError : serving::RequestStatus::Ok;
    d.requests.push_back(r);
  }
  d.metrics.push_back(
      {{"running", {}}, {{kT, 1}, {kT + 100'000'000, 3}, {kT + 200'000'000, 8}, {kT + 900'000'000, 2}}});
  SessionBuilder b;
  b.add_serving(d, SourceKind::Capture, "c");
  auto s = b.finish();
  RangeServing r = range_serving(*s, 100'000'000, 400'000'000);  // the last three requests
  CHECK(r.requests == 3);
  CHECK(r.failed == 1);
  CHECK(r.ttft_mean == 30'000'000);
  CHECK(r.ttft_p50 == 30'000'000);
  CHECK(r.ttft_p99 == 39'800'000);  // numpy.percentile([20, 30, 40], 99) = 39.8 ms
  CHECK(r.e2e_p50 == 70'000'000);
  REQUIRE(r.series.size() == 1);
  CHECK(r.series[0].count == 2);  // samples at 100 and 200 ms
  CHECK(r.series[0].mean == 5.5);
  CHECK(r.series[0].p50 == 5.5);
  CHECK(range_serving(*s, 400'000'000, 800'000'000).series.empty());
}
