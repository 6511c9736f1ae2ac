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

// tests/data/PROVENANCE.md: the init-expert-location map; rank loads hand-computed in placement_test.
TEST_CASE("experts: --placement folds the real Mixtral counts by the map", "[cli][experts]") {
  auto r =
      run_hotpath("experts " + kDir + "mixtral-8x7b_arxiv_expert_counts_L0-7-15.pkl --ranks 4 --placement " +
                      kDir + "sglang_init_expert_location_mixtral_4ranks.json --format json",
                  false);
  REQUIRE(r.code == 0);
  const auto in = nlohmann::json::parse(r.out)["inputs"][0];
  CHECK(in["placement"] == "map");
  CHECK(in["placement_label"] == "placement sglang_init_expert_location_mixtral_4ranks.json");
  CHECK(in["slots"] == 12);
  CHECK(in["layer"][2]["rank_load"] == nlohmann::json({96019.5, 130742, 73831, 117199.5}));
  auto t =
      run_hotpath("experts " + kDir + "mixtral-8x7b_arxiv_expert_counts_L0-7-15.pkl --ranks 4 --placement " +
                      kDir + "sglang_init_expert_location_mixtral_4ranks.json",
                  false);
  CHECK(contains(t.out, "4 ranks (placement sglang_init_expert_location_mixtral_4ranks.json)"));
  CHECK(contains(t.out, "12 slots per layer; a logical expert on several slots has its load split evenly"));
  auto bad =
      run_hotpath("experts " + kDir + "mixtral-8x7b_arxiv_expert_counts_L0-7-15.pkl --ranks 8 --placement " +
                  kDir + "sglang_init_expert_location_mixtral_4ranks.json");
  CHECK(bad.code == 1);
  CHECK(contains(bad.out,
                 "12 slots per layer of sglang_init_expert_location_mixtral_4ranks.json do not split"));
}

// tests/data/PROVENANCE.md: metrics/sglang_eplb_metrics_documented_shape.prom.
TEST_CASE("experts: an eplb metrics dump prints per-rank loads", "[cli][experts]") {
  const std::string prom = HOTPATH_TEST_DATA "/metrics/sglang_eplb_metrics_documented_shape.prom";
  auto r = run_hotpath("experts " + prom + " --format json", false);
  REQUIRE(r.code == 0);
  const auto in = nlohmann::json::parse(r.out)["inputs"][0];
  CHECK(in["columns"] == "ranks");
  CHECK(in["ranks"] == 4);
  CHECK(in["rebalance"].is_null());
  CHECK(in["layer"][0]["rank_load"] == nlohmann::json({100.0, 150.0, 50.0, 180.0}));
  CHECK(in["layer"][2]["balancedness"] == 0.5);
  auto t = run_hotpath("experts " + prom, false);
  CHECK(contains(t.out, "3 layers x 4 GPU ranks"));
  CHECK(contains(t.out, "180 (r3)"));
}

// shared/fixtures/PROVENANCE.md, kv_moe/mixtral-8x7b_arxiv_expert_pair_counts_L0xL7_L7xL15.pkl.
TEST_CASE("experts: a pair file prints its top co-routed pairs", "[cli][experts]") {
  auto r = run_hotpath(
      "experts " + kDir + "mixtral-8x7b_arxiv_expert_pair_counts_L0xL7_L7xL15.pkl --format json", false);
  REQUIRE(r.code == 0);
  const auto in = nlohmann::json::parse(r.out)["inputs"][0];
  REQUIRE(in["pairs"].size() == 2);
  CHECK(in["pairs"][0]["layer_a"] == 0);
  CHECK(in["pairs"][0]["layer_b"] == 7);
  CHECK(in["pairs"][0]["total"] == 417792);
  CHECK(in["pairs"][0]["diagonal"] == 51797);
  CHECK(in["pairs"][0]["top"][0]["count"] == 10318);
  CHECK(in["pairs"][1]["top"][0]["a"] == 1);
  CHECK(in["pairs"][1]["top"][0]["b"] == 6);
  CHECK(in["pairs"][1]["diagonal"] == 69661);
  auto t = run_hotpath("experts " + kDir + "mixtral-8x7b_arxiv_expert_pair_counts_L0xL7_L7xL15.pkl", false);
  CHECK(contains(t.out, "2 co-routing matrices"));
  CHECK(contains(t.out,
                 "layer 7 x layer 15 (8 x 8 experts): 417792 token choices, same expert id in both 69661"));
  CHECK(contains(t.out, "e1   e6        18409"));
}
