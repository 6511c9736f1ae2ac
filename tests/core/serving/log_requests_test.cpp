#include "core/serving/log_requests.h"

#include <catch2/catch.hpp>

#include "core/report/serve_report.h"
#include "core/serving/log_run.h"

using namespace hp;
using namespace hp::serving;

TEST_CASE("log requests: one request per id, first time of each kind, aborts", "[serving][log_requests]") {
  std::vector<ServerEvent> ev = {
      {100, "received", "a", "cmpl-a-0", 64},
      {110, "added", "a", "cmpl-a-0-1f2e3d4c", -1},
      {120, "received", "b", "cmpl-b-0", -1},
      {130, "added", "b", "cmpl-b-0-00000000", -1},
      {140, "added", "a", "cmpl-a-0-99999999", -1},  // a repeat keeps the first time
      {150, "finished", "a", "cmpl-a-0", -1},
      {160, "aborted", "b", "cmpl-b-0", -1},
      {170, "received", "", "?", -1},  // no id: not a request
  };
  LogRequests lr = requests_from_server_events(ev);
  REQUIRE(lr.requests.size() == 2);
  const RequestRecord& a = lr.requests[0];
  CHECK(a.request_id == "a");
  CHECK(a.server.received_ns == 100);
  CHECK(a.server.queued_ns == 110);
  CHECK(a.server.finished_ns == 150);
  CHECK(a.max_tokens == 64);
  CHECK(a.status == RequestStatus::Ok);
  CHECK(a.server.method == CorrelationMethod::RequestId);
  CHECK(a.sent_ns == 0);  // no client times are invented
  const RequestRecord& b = lr.requests[1];
  CHECK(b.status == RequestStatus::Cancelled);
  CHECK(b.server.finished_ns == 160);
  CHECK(lr.fields ==
        "2 requests from server log lines: 2 received, 2 queued (Added), 1 finished, 1 aborted; no "
        "client times, tokens or chunk times");
}

// Facts from PROVENANCE.md ('Received request'=513, 'Added request'=513, no Finished lines) and a python3
// re pass over the log: first request 98e4a319dfdf479b at 13:22:00 (max_tokens=5), last at 13:23:25,
// 512 requests with max_tokens=10240.
TEST_CASE("log requests: the profilemate vLLM 0.15 log alone has its 513 requests",
          "[serving][log_requests]") {
  const std::string path =
      std::string(HOTPATH_TEST_DATA) + "/logs/vllm_v0.15.0_gptoss120b_tp4_profilemate_server.log.gz";
  LogRun run = log_run_from_file(path, {2026, 0, ""});
  REQUIRE(run.data.requests.size() == 513);
  CHECK(run.data.requests[0].request_id == "98e4a319dfdf479b");
  CHECK(run.data.requests[0].max_tokens == 5);
  size_t long_ones = 0, queued = 0;
  for (const auto& r : run.data.requests) {
    long_ones += r.max_tokens == 10240;
    queued += r.server.queued_ns >= r.server.received_ns && r.server.received_ns > 0;
  }
  CHECK(long_ones == 512);
  CHECK(queued == 513);
  CHECK(run.data.meta.at("requests.from_log") ==
        "513 requests from server log lines: 513 received, 513 queued (Added), 0 finished, 0 aborted; no "
        "client "
        "times, tokens or chunk times");

  ServeReport rep = build_serve_report(run.data, nullptr);
  CHECK(rep.latency.total == 513);
  CHECK(rep.latency.ok == 513);
  CHECK(rep.latency.duration_s == Approx(85.0));  // 13:22:00 .. 13:23:25, whole seconds
  CHECK(rep.srv_received == 513);
  CHECK(rep.srv_queued == 513);
  CHECK(rep.srv_finished == 0);
  CHECK(rep.workload.phase == "unknown");  // no token counts in the log
  CHECK(run.data.meta.at("kv_cache_tokens") == "5863776");
  CHECK(serve_report_text(rep).find("513 requests from server log lines") != std::string::npos);
}
