#include <catch2/catch.hpp>

#include "core/report/phase_split_json.h"
#include "core/report/serve_report.h"
#include "core/serving/log_run.h"
#include "core/session/load_session.h"

using namespace hp;

namespace {
const std::string kLog =
    std::string(HOTPATH_TEST_DATA) + "/logs/vllm_v0.15.0_gptoss120b_tp4_profilemate_server.log.gz";
}

TEST_CASE("serve-report phases: the vLLM log's iterations, counted by hand", "[report][phases]") {
  ServeReport r = build_serve_report(serving::log_run_from_file(kLog).data, nullptr);
  const nlohmann::json j = serve_report_json(r)["phases"];
  // zcat | grep -c "Iteration(": 7241; "0 context requests ... N>0 generation requests": 6759 decode;
  // context requests with 0 generation requests: 2 prefill.
  CHECK(j["iterations"] == 7241);
  CHECK(j["timed"] == true);
  uint64_t ctx = 0, gen = 0;
  for (const auto& k : j["by_kind"]) {
    ctx += k["prefill_tokens"].get<uint64_t>();
    gen += k["decode_tokens"].get<uint64_t>();
    if (k["kind"] == "decode") CHECK(k["count"] == 6759);
    if (k["kind"] == "prefill") CHECK(k["count"] == 2);
  }
  CHECK(ctx == 2534186);  // Σ context tokens of the Iteration lines
  CHECK(gen == 713567);   // Σ generation tokens
  CHECK(j["decode_fit"]["n"] == 6759);
  CHECK(j["decode_fit"]["r2"].get<double>() > 0.9);
  CHECK(j["prefill_fit"]["source"] ==
        "mixed iterations less the decode cost per sequence");  // 2 prefill-only
}

TEST_CASE("serve-report phases equal the Prefill/decode panel's on the same log", "[report][phases]") {
  ServeReport r = build_serve_report(serving::log_run_from_file(kLog).data, nullptr);
  LoadProgress progress;
  auto session = load_session({kLog}, progress);
  // The panel calls phase_split on the session's iteration table (no trace here).
  const nlohmann::json panel = phase_split_json(phase_split(session->iterations, nullptr, nullptr));
  CHECK(panel == serve_report_json(r)["phases"]);
}
