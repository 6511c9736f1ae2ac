#include "views/experts_model.h"

#include <catch2/catch.hpp>

#include "core/experts/load_experts.h"

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
      experts_model(fixture("expert_distribution_recorder_1752852772_0.pt"), {0, 2, 0, false, 0});
  CHECK(pass.time_label == "forward pass");
  CHECK(pass.time_x == std::vector<double>{7, 8});
  CHECK(pass.title.find("dump placement") != std::string::npos);
}
