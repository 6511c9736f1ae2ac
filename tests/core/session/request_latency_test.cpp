#include "core/session/request_latency.h"

#include <catch2/catch.hpp>
#include <random>

#include "core/session/session_builder.h"

using namespace hp;
using namespace hp::serving;

namespace {

// Requests with every kind of gap: warm-up, probe, failure, no first token, server phases on a
// server clock 5 ms ahead.
std::vector<RequestRecord> requests() {
  std::vector<RequestRecord> out;
  std::mt19937_64 rng(3);
  const int64_t t0 = 1'700'000'000'000'000'000;
  for (int i = 0; i < 200; ++i) {
    RequestRecord r;
    r.request_id = "r" + std::to_string(i);
    r.sent_ns = r.scheduled_ns = t0 + i * 10'000'000LL;
    r.first_token_ns = r.sent_ns + 20'000'000 + static_cast<int64_t>(rng() % 80'000'000);
    r.output_tokens = 1 + static_cast<uint32_t>(rng() % 20);
    for (uint32_t k = 0; k < r.output_tokens; ++k)
      r.token_chunk_ns.push_back(r.first_token_ns +
                                 k * (3'000'000 + static_cast<int64_t>(rng() % 4'000'000)));
    r.end_ns = r.token_chunk_ns.back() + 1000;
    r.warmup = i == 0;
    if (i == 1) r.purpose = "probe:prefill";
    if (i % 17 == 5) r.status = RequestStatus::HttpError;
    if (i % 23 == 7) r.first_token_ns = 0;
    if (i % 3 == 0) {
      r.server.method = CorrelationMethod::RequestId;
      r.server.clock_offset_ns = 5'000'000;
      r.server.queued_ns = r.sent_ns + 5'000'000 + 100'000;
      r.server.scheduled_ns = r.server.queued_ns + static_cast<int64_t>(rng() % 9'000'000);
      r.server.first_token_ns = r.server.scheduled_ns + 15'000'000;
      r.server.finished_ns = r.end_ns + 5'000'000 - 200'000;
    }
    out.push_back(std::move(r));
  }
  return out;
}

void same(const Dist& a, const Dist& b) {
  CHECK(a.n == b.n);
  if (!a.n) return;
  CHECK(a.p50 == Approx(b.p50).epsilon(1e-12));
  CHECK(a.p90 == Approx(b.p90).epsilon(1e-12));
  CHECK(a.p99 == Approx(b.p99).epsilon(1e-12));
  CHECK(a.max == Approx(b.max).epsilon(1e-12));
}

}  // namespace

TEST_CASE("request latency: the session's samples give serve-report's percentiles", "[session][latency]") {
  const auto rows = requests();
  const Slo slo = parse_slo("ttft=60,tpot=5");
  LatencyStats report = latency_stats(rows, slo);
  ServingData d;
  d.requests = rows;
  SessionBuilder b;
  b.add_serving(std::move(d), SourceKind::Capture, "run");
  auto s = b.finish();
  LatencySamples ls = latency_samples(*s, INT64_MIN, INT64_MAX, slo);
  CHECK(ls.requests == report.total);
  REQUIRE(report.good > 10);
  CHECK(report.good < report.ok);  // the SLO splits the requests
  CHECK(ls.good == report.good);
  CHECK(ls.duration_s == Approx(report.duration_s).epsilon(1e-12));
  CHECK(ls.goodput_req_s == Approx(report.goodput_req_s).epsilon(1e-12));
  CHECK(ls.failed == report.failed);
  REQUIRE(report.ttft_ms.n > 100);
  REQUIRE(report.queue_ms.n > 50);
  same(distribution(ls.of(LatencyMetric::Ttft)), report.ttft_ms);
  same(distribution(ls.of(LatencyMetric::Tpot)), report.tpot_ms);
  same(distribution(ls.of(LatencyMetric::Itl)), report.itl_ms);
  same(distribution(ls.of(LatencyMetric::E2e)), report.e2e_ms);
  same(distribution(ls.of(LatencyMetric::Queue)), report.queue_ms);
  same(distribution(ls.of(LatencyMetric::Prefill)), report.prefill_ms);
  same(distribution(ls.of(LatencyMetric::Decode)), report.decode_ms);
  CHECK(distribution(ls.of(LatencyMetric::Prefill)).p50 == Approx(15.0));  // every prefill is 15 ms

  // A window: requests 100..149 started in it (10 ms apart), none of them warm-up or probe.
  const Ns at100 = s->requests.start_of(100);
  LatencySamples w = latency_samples(*s, at100, at100 + 500'000'000);
  CHECK(w.requests == 50);
}
