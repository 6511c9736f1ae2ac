#include "core/serving/correlate.h"

#include <catch2/catch.hpp>

using namespace hp::serving;

namespace {
constexpr int64_t kS = 1000000000LL;
constexpr int64_t kMs = 1000000LL;
constexpr int64_t kT = 1769952120000000000LL;  // client clock; the server's is 3.2 s ahead

VllmRequestEvent ev(VllmRequestEventKind kind, const std::string& raw, int64_t server_s,
                    int64_t max_tokens = -1) {
  VllmRequestEvent e;
  e.kind = kind;
  e.ts_ns = kT + server_s * kS;  // vLLM logs whole seconds
  e.raw_id = raw;
  RequestIds ids = canonical_request_id(raw);
  e.server_id = ids.server_id;
  e.client_id = ids.client_id;
  e.max_tokens = max_tokens;
  return e;
}

RequestRecord client(const std::string& id, int64_t sent_ms, uint32_t max_tokens) {
  RequestRecord r;
  r.request_id = id;
  r.sent_ns = kT + sent_ms * kMs;
  r.max_tokens = max_tokens;
  return r;
}
}  // namespace

TEST_CASE("correlation by request id, then by time with the estimated offset", "[serving][correlate]") {
  std::vector<RequestRecord> reqs{client("98e4a319dfdf4701", 0, 5), client("98e4a319dfdf4702", 1000, 5),
                                  client("98e4a319dfdf4703", 2000, 5), client("", 3000, 100),
                                  client("", 3100, 7)};
  std::vector<VllmRequestEvent> evs{
      ev(VllmRequestEventKind::Received, "cmpl-98e4a319dfdf4701-0", 3, 5),
      ev(VllmRequestEventKind::Added, "cmpl-98e4a319dfdf4701-0-96a7b89d", 3),
      ev(VllmRequestEventKind::Received, "cmpl-98e4a319dfdf4702-0", 4, 5),
      ev(VllmRequestEventKind::Received, "cmpl-98e4a319dfdf4703-0", 5, 5),
      // Two anonymous requests logged in the same second; max_tokens tells them apart.
      ev(VllmRequestEventKind::Received, "cmpl-00000000000000e7-0", 6, 7),
      ev(VllmRequestEventKind::Finished, "cmpl-00000000000000e7-0", 11),
      ev(VllmRequestEventKind::Received, "cmpl-0000000000000100-0", 6, 100),
      ev(VllmRequestEventKind::Finished, "cmpl-0000000000000100-0", 10),
      ev(VllmRequestEventKind::Received, "cmpl-00000000000000ff-0", 30, 5),  // never sent by this client
  };
  CorrelationResult res = correlate(reqs, evs);
  CHECK(res.by_id == 3);
  CHECK(res.by_time == 2);
  CHECK(res.matched() == 5);
  CHECK(res.unmatched_client == 0);
  CHECK(res.unmatched_server == 1);
  CHECK(res.method == "request-id+time-window");
  CHECK(res.clock_offset_ns == 3 * kS);        // median of 3 s, 3 s, 3 s (true 3.2 s, logged in seconds)
  CHECK(res.offset_uncertainty_ns == 1 * kS);  // the log's resolution dominates
  CHECK(reqs[0].server.method == CorrelationMethod::RequestId);
  CHECK(reqs[0].server.received_ns == kT + 3 * kS);
  CHECK(reqs[0].server.queued_ns == kT + 3 * kS);
  CHECK(reqs[0].server.clock_offset_ns == 3 * kS);
  CHECK(reqs[3].server.method == CorrelationMethod::TimeWindow);
  CHECK(reqs[3].server.finished_ns == kT + 10 * kS);  // the max_tokens=100 one
  CHECK(reqs[4].server.finished_ns == kT + 11 * kS);
  CHECK(reqs[4].server.offset_uncertainty_ns == 1 * kS + 100 * kMs);  // offset bound + residual
}

TEST_CASE("correlation without ids pairs in time order", "[serving][correlate]") {
  std::vector<RequestRecord> reqs{client("", 0, 0), client("", 1000, 0), client("", 2000, 0)};
  std::vector<VllmRequestEvent> evs{ev(VllmRequestEventKind::Received, "cmpl-a1-0", 3),
                                    ev(VllmRequestEventKind::Received, "cmpl-a2-0", 4),
                                    ev(VllmRequestEventKind::Received, "cmpl-a3-0", 5)};
  CorrelationResult res = correlate(reqs, evs);
  CHECK(res.method == "time-window");
  CHECK(res.by_time == 3);
  CHECK(res.clock_offset_ns == 3 * kS);
  CHECK(reqs[1].server.received_ns == kT + 4 * kS);

  std::vector<RequestRecord> far{client("", 0, 0)};
  std::vector<VllmRequestEvent> none;
  CHECK(correlate(far, none).method == "none");
}
