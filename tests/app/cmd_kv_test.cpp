// `hotpath kv`: the JSON form carries the shared SGLang log's facts (PROVENANCE) and the verdict.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/cli_run.h"

using hp::test::contains;
using hp::test::run_hotpath;

namespace {
const std::string kSglang = HOTPATH_TEST_DATA "/logs/sglang_laguna-s-2.1-int4_dgxspark_prefill-decode.log";
const std::string kVllm = HOTPATH_TEST_DATA "/logs/vllm_v0.15.0_gptoss120b_tp4_profilemate_server.log.gz";
}  // namespace

TEST_CASE("kv: json of the shared SGLang log", "[cli][kv]") {
  auto r = run_hotpath("kv " + kSglang + " --format json", false);
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["engine"] == "sglang");
  REQUIRE(j["usage"].size() == 2);
  CHECK(j["usage"][0]["pool"] == "full");
  CHECK(j["usage"][0]["samples"] == 113);
  CHECK(j["usage"][0]["peak"].get<double>() == Approx(0.10));
  CHECK(j["usage"][1]["pool"] == "swa");
  CHECK(j["usage"][1]["peak"].get<double>() == Approx(0.06));
  CHECK(j["capacity"]["tokens"] == 185897);
  CHECK(j["prefix"]["hits"] == 696433);
  CHECK(j["prefix"]["queries"] == 783300);
  CHECK(j["prefix"]["hit_rate"].get<double>() == Approx(0.8891).margin(5e-5));
  double h = 0;
  for (const auto& b : j["prefix"]["bins"]) h += b["hits"].get<double>();
  CHECK(h == 696433);
  CHECK(j["verdict"]["regime"] == "not the bottleneck");
}

TEST_CASE("kv: text of the vLLM log names the limit elsewhere", "[cli][kv]") {
  auto r = run_hotpath("kv " + kVllm, false);
  REQUIRE(r.code == 0);
  CHECK(contains(r.out, "verdict: limit elsewhere"));
  CHECK(contains(r.out, "up to 115 requests waited while KV usage was at most 0.8 %"));
  CHECK(contains(r.out, "capacity: 5863776 tokens (log)"));
}

TEST_CASE("kv: a missing input is an error", "[cli][kv]") {
  auto r = run_hotpath("kv /nonexistent/run.hotpath", false);
  CHECK(r.code != 0);
}
