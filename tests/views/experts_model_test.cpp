#include "views/experts_model.h"

#include <catch2/catch.hpp>

#include "core/experts/load_experts.h"
#include "core/experts/placement.h"

using namespace hp;

namespace {
std::vector<experts::ExpertLoad> fixture(const std::string& name) {
  return experts::load_expert_inputs({std::string(HOTPATH_TEST_DATA) + "/experts/" + name});
}
}  // namespace

// Facts: shared/fixtures/PROVENANCE.md (kv_moe, OLMoE arXiv).
TEST_CASE("experts model: OLMoE heatmap cells, 1/E mark, table and what-if", "[views][experts]") {
  ExpertsModel m = experts_model(fixture("olmoe-1b-7b-0824_arxiv_expert_counts_L0-7-15.pkl"), {});
  CHECK(m.note.empty());
  CHECK(m.layers == 3);
  CHECK(m.experts == 64);
  CHECK(m.ranks == 8);
  CHECK(m.layer_ids == std::vector<int64_t>{0, 7, 15});
  REQUIRE(m.share.size() == 3 * 64);
  CHECK(m.share[0] == Approx(204013.0 / 1671168));
  CHECK(m.share_max == Approx(204013.0 / 1671168));  // the largest cell of all: layer 0, expert 0
  CHECK(m.colors[0] == plot::scale_color(1, 0, 1));
  CHECK(m.expected == Approx(1.0 / 64));
  REQUIRE(m.legend.marks.size() == 1);
  CHECK(m.legend.marks[0].label == "1/E");
  CHECK(m.balance.layers[0].balancedness == Approx(0.5416).margin(5e-5));
  REQUIRE(m.rebalance);
  CHECK(m.rebalance->layers[0].max_before == 385725);
  CHECK(m.title ==
        "olmoe-1b-7b-0824_arxiv_expert_counts_L0-7-15.pkl (counter-pkl): 3 layers x 64 experts, 8 "
        "ranks (contiguous)");
}

TEST_CASE("experts model: sorted rows keep the expert ids, options and odd ranks", "[views][experts]") {
  auto loads = fixture("olmoe-1b-7b-0824_arxiv_expert_counts_L0-7-15.pkl");
  ExpertsOptions o;
  o.sort_by_load = true;
  o.layer = 99;
  ExpertsModel m = experts_model(loads, o);
  CHECK(m.expert_at[1 * 64 + 0] == 17);  // layer 7's hottest first
  CHECK(m.share[1 * 64 + 0] == Approx(164064.0 / 1671168));
  CHECK(m.expert_at[2 * 64 + 63] == 39);  // a tie at 19 (e14, e39): the stable sort keeps e14 first
  CHECK(m.layer == 2);                    // clamped
  o.ranks = 3;
  ExpertsModel bad = experts_model(loads, o);
  CHECK(bad.note == "64 expert slots do not split evenly over 3 ranks");
  CHECK_FALSE(bad.rebalance);
  CHECK(bad.balance.layers.size() == 3);
}

TEST_CASE("experts model: inputs without counts and no inputs", "[views][experts]") {
  ExpertsModel none = experts_model({}, {});
  CHECK_FALSE(none.note.empty());
  ExpertsModel log = experts_model(fixture("sglang_expert_balancedness.log"), {});
  CHECK(log.experts == 0);
  CHECK(log.time_label == "log line");
  CHECK(log.time_x == std::vector<double>{100, 101});
  CHECK(log.time_balancedness == std::vector<double>{0.712, 0.845});
  ExpertsModel pass =
      experts_model(fixture("expert_distribution_recorder_1752852772_0.pt"), {0, 2, 0, false, 0, {}});
  CHECK(pass.time_label == "forward pass");
  CHECK(pass.time_x == std::vector<double>{7, 8});
  CHECK(pass.title.find("the dump's placement") != std::string::npos);
}

// shared/fixtures/PROVENANCE.md, kv_moe/mixtral-8x7b_arxiv_expert_pair_counts_L0xL7_L7xL15.pkl.
TEST_CASE("experts model: a pair file is two co-routing heatmaps", "[views][experts]") {
  ExpertsModel m = experts_model(fixture("mixtral-8x7b_arxiv_expert_pair_counts_L0xL7_L7xL15.pkl"), {});
  CHECK(m.experts == 0);
  REQUIRE(m.pairs.size() == 2);
  const PairMatrixView& a = m.pairs[0];
  CHECK(a.rows == 8);
  CHECK(a.cols == 8);
  CHECK(a.share[2 * 8 + 7] == Approx(10318.0 / 417792.0));
  CHECK(a.share_max == Approx(10318.0 / 417792.0));
  CHECK(a.colors.size() == 64);
  REQUIRE(a.legend.marks.size() == 1);
  CHECK(a.legend.marks[0].value == Approx(1.0 / 64));
  CHECK(a.title == "layer 0 x layer 7: 417792 choices, same expert id 12.40 %");  // 51797 / 417792
  CHECK(m.pairs[1].top[0].count == 18409);
  CHECK(m.title.find("2 co-routing matrices") != std::string::npos);
}

// tests/data/PROVENANCE.md: the init-expert-location map and the eplb metrics scrape.
TEST_CASE("experts model: a placement map and eplb rank columns", "[views][experts]") {
  std::vector<experts::ExpertLoad> l = fixture("mixtral-8x7b_arxiv_expert_counts_L0-7-15.pkl");
  experts::apply_placement(
      l[0], experts::read_placement(std::string(HOTPATH_TEST_DATA) +
                                    "/experts/sglang_init_expert_location_mixtral_4ranks.json"));
  ExpertsModel m = experts_model(l, {0, 4, 0, false, 2, {}});
  CHECK(m.title.find("4 ranks (placement sglang_init_expert_location_mixtral_4ranks.json)") !=
        std::string::npos);
  CHECK(m.slots_per_rank == 3);
  CHECK(m.placement_note.rfind("12 slots per layer; a logical expert on several slots", 0) == 0);
  CHECK(m.balance.layers[2].rank_load == std::vector<double>{96019.5, 130742, 73831, 117199.5});
  CHECK(m.rebalance);  // the what-if still compares with contiguous blocks
  ExpertsModel r =
      experts_model(experts::load_expert_inputs({std::string(HOTPATH_TEST_DATA) +
                                                 "/metrics/sglang_eplb_metrics_documented_shape.prom"}),
                    {0, 8, 0, false, 0, {}});
  CHECK(r.columns_are_ranks);
  CHECK(r.ranks == 4);  // the columns are the ranks, whatever the option says
  CHECK(r.title.find("3 layers x 4 GPU ranks") != std::string::npos);
  CHECK(r.balance.layers[0].balancedness == Approx(120.0 / 180.0));
  CHECK_FALSE(r.rebalance);
}

TEST_CASE("experts model: a selected range keeps the scrape intervals in it", "[views][experts]") {
  // Layer 7, 2 ranks: intervals ending at t = 20 ({10, 20}) and t = 30 ({4, 2}).
  experts::ExpertLoad l;
  l.source = "run";
  l.format = "sglang-eplb-metrics";
  l.columns_are_ranks = true;
  l.layer_ids = {7};
  l.experts = 2;
  l.counts = {14, 22};
  l.pass_ids = {1, 2};
  l.pass_ts_ns = {20, 30};
  l.pass_counts = {{10, 20}, {4, 2}};
  ExpertsOptions o;
  o.range_ns = std::make_pair(int64_t{0}, int64_t{25});
  ExpertsModel m = experts_model({l}, o);
  CHECK(m.range_note == "1 of 2 scrape intervals in the selected range");
  CHECK(m.balance.layers[0].rank_load == std::vector<double>{10, 20});
  CHECK(m.time_x.size() == 1);
  ExpertsModel all = experts_model({l}, {});
  CHECK(all.range_note.empty());
  CHECK(all.balance.layers[0].rank_load == std::vector<double>{14, 22});
}
