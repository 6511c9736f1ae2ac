#include <catch2/catch.hpp>

#include <fstream>
#include <numeric>
#include <sstream>

#include "core/analysis/expert_balance.h"
#include "core/experts/counter_pkl.h"

using namespace hp;

namespace {
experts::ExpertLoad fixture(const std::string& name) {
  std::ifstream in(std::string(HOTPATH_TEST_DATA) + "/experts/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return experts::read_counter_pkl(ss.str(), name);
}
}  // namespace

// Facts: shared/fixtures/PROVENANCE.md (kv_moe): contiguous EP=8 rank sums and mean/max.
TEST_CASE("expert balance: OLMoE arXiv layer 0, contiguous EP=8", "[analysis][expert_balance]") {
  ExpertBalance b = expert_balance(fixture("olmoe-1b-7b-0824_arxiv_expert_counts_L0-7-15.pkl"), 8);
  REQUIRE(b.layers.size() == 3);
  const LayerBalance& l0 = b.layers[0];
  CHECK(l0.layer == 0);
  CHECK(l0.total == 1671168);
  CHECK(l0.max_expert == 0);
  CHECK(l0.max_count == 204013);
  CHECK(l0.min_expert == 12);
  CHECK(l0.min_count == 5475);
  CHECK(l0.max_over_mean == Approx(7.8130).margin(5e-5));
  CHECK(l0.hottest.at(0) == 0);
  CHECK(l0.rank_load == std::vector<double>{385725, 132059, 173154, 157669, 175308, 261293, 230327, 155633});
  CHECK(l0.balancedness == Approx(0.5416).margin(5e-5));
  // Layer 15: min 19 is a tie between experts 14 and 39; the lower id is named.
  CHECK(b.layers[2].min_expert == 14);
  CHECK(b.layers[2].min_count == 19);
  CHECK(b.layers[2].max_expert == 17);
  CHECK(b.balancedness_min <= l0.balancedness);
}

TEST_CASE("expert balance: OLMoE GitHub layer 7 and Mixtral EP=4", "[analysis][expert_balance]") {
  ExpertBalance g = expert_balance(fixture("olmoe-1b-7b-0824_github_expert_counts_L0-7-15.pkl"), 8);
  CHECK(g.layers[1].rank_load ==
        std::vector<double>{447329, 110741, 286320, 183083, 233665, 183475, 94506, 132049});
  CHECK(g.layers[1].balancedness == Approx(0.4670).margin(5e-5));
  ExpertBalance m = expert_balance(fixture("mixtral-8x7b_arxiv_expert_counts_L0-7-15.pkl"), 4);
  CHECK(m.layers[2].rank_load == std::vector<double>{113851, 65632, 121215, 117094});
  CHECK(m.layers[2].balancedness == Approx(0.8617).margin(5e-5));
  CHECK(m.layers[0].max_over_mean == Approx(1.2692).margin(5e-5));
  CHECK(m.layers[0].max_expert == 5);
  CHECK(m.layers[0].hottest == std::vector<uint32_t>{5, 0, 2});
}

TEST_CASE("expert balance: shares, placements and bad rank counts", "[analysis][expert_balance]") {
  experts::ExpertLoad l;
  l.layer_ids = {3};
  l.experts = 4;
  l.counts = {10, 30, 0, 60};
  std::vector<double> s = layer_shares(l, 0);
  CHECK(s == std::vector<double>{0.1, 0.3, 0.0, 0.6});
  // Expert 3 replicated on both ranks: its 60 splits 30/30.
  ExpertBalance b = expert_balance(l, 2, {{0, 3, 1, 2, 3, 0}});
  CHECK(b.layers[0].rank_load == std::vector<double>{5 + 30 + 30, 30 + 0 + 5});
  CHECK(b.layers[0].cv > 0);
  CHECK_THROWS_AS(expert_balance(l, 3), std::invalid_argument);
  CHECK_THROWS_AS(expert_balance(l, 2, {{0, 1, 2, 9}}), std::invalid_argument);
}

// reference/kv-and-experts.md section 5: the DeepSeek EPLB README example.
TEST_CASE("expert balance: EPLB README test vector", "[analysis][expert_balance]") {
  const std::vector<std::vector<double>> w = {{90, 132, 40, 61, 104, 165, 39, 4, 73, 56, 183, 86},
                                              {20, 107, 104, 64, 19, 197, 187, 157, 172, 86, 16, 27}};
  const std::vector<Placement> want = {{5, 6, 5, 7, 8, 4, 3, 4, 10, 9, 10, 2, 0, 1, 11, 1},
                                       {7, 10, 6, 8, 6, 11, 8, 9, 2, 4, 5, 1, 5, 0, 3, 1}};
  const std::vector<std::vector<double>> loads = {{121.5, 86.5, 125, 113, 147.5, 131.5, 156, 152},
                                                  {173, 179.5, 120.5, 172, 123, 152, 118.5, 117.5}};
  EplbOptions o;
  o.replicas = 16;
  o.groups = 4;
  o.nodes = 2;
  o.gpus = 8;
  for (size_t l = 0; l < 2; ++l) {
    Placement p = eplb_placement(w[l], o);
    CHECK(p == want[l]);
    CHECK(rank_loads(w[l], want[l], 8) == loads[l]);
  }
  experts::ExpertLoad load;
  load.layer_ids = {0, 1};
  load.experts = 12;
  for (const auto& r : w)
    for (double x : r) load.counts.push_back(static_cast<int64_t>(x));
  ExpertBalance b = expert_balance(load, 8, want);
  CHECK(b.layers[0].balancedness == Approx(0.8277).margin(5e-5));
  CHECK(b.layers[1].balancedness == Approx(0.8050).margin(5e-5));
}

TEST_CASE("expert balance: rebalance what-if lowers the busiest rank", "[analysis][expert_balance]") {
  experts::ExpertLoad l = fixture("olmoe-1b-7b-0824_arxiv_expert_counts_L0-7-15.pkl");
  Rebalance r = rebalance_what_if(l, 8, 8);
  REQUIRE(r.layers.size() == 3);
  const RebalanceLayer& l0 = r.layers[0];
  CHECK(l0.max_before == 385725);
  CHECK(l0.placement.size() == 72);
  CHECK(l0.max_after < l0.max_before);
  CHECK(l0.balancedness_after > 0.9);
  CHECK(std::accumulate(l0.after.begin(), l0.after.end(), 0.0) == Approx(1671168));
  CHECK(r.max_drop > 0);
  CHECK_THROWS_AS(rebalance_what_if(l, 8, 3), std::invalid_argument);
}
