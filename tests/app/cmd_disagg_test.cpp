// `hotpath disagg`: the issue's JSON shape on the vLLM 0.15 log, a spec file round trip, errors.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>

#include "support/cli_run.h"

using hp::test::contains;
using hp::test::run_hotpath;

namespace {
const std::string kLog = HOTPATH_TEST_DATA "/logs/vllm_v0.15.0_gptoss120b_tp4_profilemate_server.log.gz";
}  // namespace

TEST_CASE("disagg: json on the vLLM log", "[cli][disagg]") {
  const std::string spec = "/tmp/hotpath_disagg_test_spec.json";
  auto r = run_hotpath("disagg " + kLog + " --gpus 8 --tp 4 --requests 400 --format json --emit-spec " + spec,
                       false);
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["monolithic"]["prefill_gpus"] == 0);
  CHECK(j["monolithic"]["decode_gpus"] == 8);
  REQUIRE(j["splits"].size() == 1);  // 2 instances of tp 4: 4P:4D
  const auto& sp = j["splits"][0];
  CHECK(sp["prefill_gpus"] == 4);
  CHECK(sp["decode_gpus"] == 4);
  for (const char* k : {"throughput_rps", "max_rate_rps", "bottleneck"}) CHECK(sp.contains(k));
  for (const char* k : {"ttft_ms", "itl_ms", "e2e_ms", "kv_transfer_ms"})
    for (const char* q : {"p50", "p90", "p99", "mean"}) CHECK(sp[k].contains(q));
  CHECK(sp["kv_transfer_ms"]["mean"].get<double>() > 3);  // setup 3 ms + bytes
  const auto& rec = j["recommendation"];
  CHECK(rec["prefill_gpus"].get<int>() + rec["decode_gpus"].get<int>() == 8);
  CHECK(rec["reasons"].size() >= 1);
  CHECK(j["self_check"]["valid"] == true);
  CHECK(j["self_check"]["measured"]["throughput_rps"].get<double>() == Approx(513 / 85.0).epsilon(0.01));
  // The emitted spec reads back and gives the same table.
  auto r2 = run_hotpath("disagg " + spec + " --requests 400 --format json", false);
  REQUIRE(r2.code == 0);
  auto j2 = nlohmann::json::parse(r2.out);
  CHECK(j2["monolithic"]["ttft_ms"] == j["monolithic"]["ttft_ms"]);
  CHECK(j2["splits"][0]["itl_ms"] == j["splits"][0]["itl_ms"]);
  CHECK(j2["self_check"]["valid"] == false);  // a spec has no measurement
  std::remove(spec.c_str());
}

TEST_CASE("disagg: text table and errors", "[cli][disagg]") {
  auto r = run_hotpath("disagg " + kLog + " --gpus 8 --tp 4 --requests 300 --slo ttft=2000,itl=50", false);
  REQUIRE(r.code == 0);
  CHECK(contains(r.out, "monolithic 8 GPUs"));
  CHECK(contains(r.out, "4P:4D"));
  CHECK(contains(r.out, "Recommendation: "));
  CHECK(contains(r.out, "Self-check"));
  CHECK(contains(r.out,
                 "decode_ms: engine iterations: base 4.198, per_seq 0.04374 ms (6759 points, R² 0.940)"));
  const std::string bad = "/tmp/hotpath_disagg_bad_spec.json";
  std::ofstream(bad) << R"({"gpus": 4, "arrival": {"rate_rps": -1}})";
  auto e = run_hotpath("disagg " + bad);
  CHECK(e.code == 1);
  CHECK(contains(e.out, "key 'arrival.rate_rps': value -1 out of range"));
  std::remove(bad.c_str());
  CHECK(run_hotpath("disagg /nonexistent.json").code == 1);
}
