// `hotpath experts`: the JSON form equals the PROVENANCE facts of the OLMoE fixtures; errors and exit codes.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/cli_run.h"

using hp::test::contains;
using hp::test::run_hotpath;

namespace {
const std::string kDir = HOTPATH_TEST_DATA "/experts/";
}  // namespace

// shared/fixtures/PROVENANCE.md, kv_moe/olmoe-1b-7b-0824_arxiv_expert_counts_L0-7-15.pkl
TEST_CASE("experts: json equals the OLMoE facts", "[cli][experts]") {
  auto r = run_hotpath("experts " + kDir + "olmoe-1b-7b-0824_arxiv_expert_counts_L0-7-15.pkl --format json",
                       false);
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["inputs"].size() == 1);
  const auto& in = j["inputs"][0];
  CHECK(in["format"] == "counter-pkl");
  CHECK(in["layers"] == 3);
  CHECK(in["experts"] == 64);
  CHECK(in["ranks"] == 8);
  CHECK(in["placement"] == "contiguous");
  const auto& l = in["layer"];
  for (int i = 0; i < 3; ++i) CHECK(l[i]["total"] == 1671168);
  CHECK(l[0]["layer"] == 0);
  CHECK(l[1]["layer"] == 7);
  CHECK(l[2]["layer"] == 15);
  CHECK(l[0]["max"]["expert"] == 0);
  CHECK(l[0]["max"]["count"] == 204013);
  CHECK(l[0]["min"]["expert"] == 12);
  CHECK(l[0]["min"]["count"] == 5475);
  CHECK(l[0]["max_over_mean"].get<double>() == Approx(7.8130).margin(5e-5));
  CHECK(l[1]["max"]["expert"] == 17);
  CHECK(l[1]["max"]["count"] == 164064);
  CHECK(l[1]["min"]["count"] == 1306);
  CHECK(l[1]["counts"][0] == 17487);
  CHECK(l[2]["max"]["count"] == 195709);
  CHECK(l[2]["min"]["count"] == 19);
  CHECK(l[2]["counts"][39] == 19);
  CHECK(l[2]["counts"][0] == 26594);
  CHECK(l[0]["rank_load"] ==
        nlohmann::json({385725, 132059, 173154, 157669, 175308, 261293, 230327, 155633}));
  CHECK(l[0]["balancedness"].get<double>() == Approx(0.5416).margin(5e-5));
  CHECK(in["rebalance"]["redundant"] == 0);
}

TEST_CASE("experts: top-1 absent experts, ranks and redundant slots", "[cli][experts]") {
  auto r = run_hotpath(
      "experts " + kDir +
          "olmoe-1b-7b-0824_arxiv_expert_counts_top1_L0-7-15.pkl --ranks 4 --redundant 4 --format json",
      false);
  REQUIRE(r.code == 0);
  auto j = nlohmann::json::parse(r.out);
  const auto& in = j["inputs"][0];
  CHECK(in["ranks"] == 4);
  CHECK(in["layer"][1]["counts"][3] == 0);
  CHECK(in["layer"][1]["counts"][28] == 0);
  CHECK(in["layer"][2]["counts"][49] == 0);
  CHECK(in["layer"][0]["min"]["expert"] == 23);
  CHECK(in["layer"][0]["min"]["count"] == 1);
  CHECK(in["rebalance"]["layers"][0]["placement"].size() == 68);
  CHECK(in["rebalance"]["max_drop"].get<double>() > 0);
}

TEST_CASE("experts: text form, bad inputs", "[cli][experts]") {
  auto r = run_hotpath("experts " + kDir + "mixtral-8x7b_arxiv_expert_counts_L0-7-15.pkl --ranks 4");
  REQUIRE(r.code == 0);
  CHECK(contains(r.out, "3 layers x 8 experts, 4 ranks (contiguous)"));
  CHECK(contains(r.out, "66285 (e5)"));
  auto bad = run_hotpath("experts " + kDir + "bad_tensor_size.pt");
  CHECK(bad.code == 1);
  CHECK(contains(bad.out, "bad_tensor_size.pt:bad_tensor_size/data.pkl: byte 189: tensor needs element 31"));
  auto odd = run_hotpath("experts " + kDir + "mixtral-8x7b_arxiv_expert_counts_L0-7-15.pkl --ranks 3");
  CHECK(odd.code == 1);
  CHECK(contains(odd.out, "8 experts do not split evenly over 3 ranks"));
  CHECK(run_hotpath("experts /nonexistent.pkl").code == 1);
}
