#include "core/serving/latency_stats.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <stdexcept>

using namespace hp::serving;

namespace {
constexpr int64_t kT = 1769952121000000000LL;  // an epoch time
constexpr int64_t kMs = 1000000;

RequestRecord req(int64_t sent, std::vector<int64_t> chunks, int64_t end, uint32_t in, uint32_t out) {
  RequestRecord r;
  r.sent_ns = kT + sent * kMs;
  for (auto c : chunks) r.token_chunk_ns.push_back(kT + c * kMs);
  r.first_token_ns = r.token_chunk_ns.empty() ? 0 : r.token_chunk_ns.front();
  r.end_ns = kT + end * kMs;
  r.prompt_tokens = in;
  r.output_tokens = out;
  return r;
}

std::vector<RequestRecord> sample_requests() {
  std::vector<RequestRecord> v;
  v.push_back(req(0, {100, 120, 150}, 150, 10, 3));               // ttft 100, tpot 25, gaps 20 30
  v.push_back(req(50, {250, 260}, 260, 20, 2));                   // ttft 200, tpot 10, gap 10
  v.push_back(req(100, {400}, 400, 30, 1));                       // ttft 300, no tpot
  v.push_back(req(200, {300, 340, 380, 420, 500}, 1000, 40, 5));  // ttft 100, tpot 175, gaps 40 40 40 80
  RequestRecord failed = req(300, {}, 310, 50, 0);
  failed.status = RequestStatus::HttpError;
  v.push_back(failed);
  RequestRecord warm = req(-5000, {-4900}, -4000, 1000, 1);
  warm.warmup = true;
  v.push_back(warm);
  v[0].server.queued_ns = kT + 10 * kMs;
  v[0].server.scheduled_ns = kT + 30 * kMs;
  v[0].server.first_token_ns = kT + 90 * kMs;
  v[0].server.finished_ns = kT + 140 * kMs;
  return v;
}
}  // namespace

TEST_CASE("latency stats on hand-made requests", "[serving][latency]") {
  auto st = latency_stats(sample_requests());
  CHECK(st.total == 5);
  CHECK(st.ok == 4);
  CHECK(st.failed == 1);
  CHECK(st.warmup == 1);
  CHECK(st.ttft_ms.n == 4);
  CHECK(st.ttft_ms.p50 == Approx(150));
  CHECK(st.ttft_ms.p90 == Approx(270));
  CHECK(st.ttft_ms.p99 == Approx(297));
  CHECK(st.ttft_ms.max == Approx(300));
  CHECK(st.ttft_ms.mean == Approx(175));
  CHECK(st.tpot_ms.n == 3);
  CHECK(st.tpot_ms.p50 == Approx(25));
  CHECK(st.tpot_ms.p90 == Approx(145));
  CHECK(st.tpot_ms.p99 == Approx(172));
  CHECK(st.itl_ms.n == 7);
  CHECK(st.itl_ms.p50 == Approx(40));
  CHECK(st.itl_ms.p90 == Approx(56));
  CHECK(st.itl_ms.p99 == Approx(77.6));
  CHECK(st.itl_ms.max == Approx(80));
  CHECK(st.e2e_ms.p50 == Approx(255));  // 150 210 300 800
  CHECK(st.e2e_ms.max == Approx(800));
  CHECK(st.queue_ms.n == 1);
  CHECK(st.queue_ms.p50 == Approx(20));
  CHECK(st.prefill_ms.p50 == Approx(60));
  CHECK(st.decode_ms.p50 == Approx(50));
  // Window: first send (0 ms) to last end (1000 ms); warm-up excluded.
  CHECK(st.window_begin_ns == kT);
  CHECK(st.duration_s == Approx(1.0));
  CHECK(st.req_s == Approx(4.0));
  CHECK(st.input_tok_s == Approx(100.0));
  CHECK(st.output_tok_s == Approx(11.0));
  CHECK(st.good == 0);
}

TEST_CASE("goodput counts requests meeting every SLO", "[serving][latency]") {
  auto st = latency_stats(sample_requests(), parse_slo("ttft=200,tpot=50"));
  CHECK(st.good == 2);  // ttft 100/tpot 25 and ttft 200/tpot 10; ttft 300 and tpot 175 miss
  CHECK(st.goodput_req_s == Approx(2.0));
  CHECK(latency_stats(sample_requests(), parse_slo("e2e=1s")).good == 4);
  CHECK(latency_stats(sample_requests(), parse_slo("itl=30")).good == 3);  // worst gaps 30, 10, none, 80
}

TEST_CASE("SLO flag (--slo) syntax", "[serving][latency]") {
  Slo s = parse_slo("ttft=200, tpot=50ms,e2el=2.5s");
  CHECK(*s.ttft_ms == 200);
  CHECK(*s.tpot_ms == 50);
  CHECK(*s.e2e_ms == 2500);
  CHECK_FALSE(s.itl_ms);
  CHECK(format_slo(s) == "ttft=200ms,tpot=50ms,e2e=2500ms");
  CHECK(parse_slo("ttft:100").ttft_ms == 100.0);  // vLLM's --goodput spelling
  CHECK_THROWS_AS(parse_slo("ttft"), std::invalid_argument);
  CHECK_THROWS_AS(parse_slo("foo=1"), std::invalid_argument);
  CHECK_THROWS_AS(parse_slo("ttft=-1"), std::invalid_argument);
  CHECK_THROWS_AS(parse_slo("ttft=abc"), std::invalid_argument);
  CHECK(parse_slo("").empty());
}
