// Placement maps: SGLang --init-expert-location JSON and a per_pass dump's map, applied to real
// Mixtral counts (shared/fixtures/PROVENANCE.md, kv_moe/mixtral-8x7b_arxiv_expert_counts_L0-7-15.pkl).
#include <catch2/catch.hpp>

#include "core/analysis/expert_balance.h"
#include "core/experts/load_experts.h"
#include "core/experts/placement.h"
#include "core/model/load_status.h"
#include "tests/core/experts/experts_test_data.h"

using namespace hp::experts;
using hp::experts::test::data_path;

namespace {
const std::string kMap = "sglang_init_expert_location_mixtral_4ranks.json";
}

// The map (tests/data/PROVENANCE.md) has 32 layers x 12 slots; model layer 15 is
// [0,1,3, 2,4,0, 5,6,3, 7,5,6], every other layer [0,1,2, 3,4,5, 6,7,0, 1,2,3].
TEST_CASE("placement: an init-expert-location map picks the model layers of the load",
          "[experts][placement]") {
  ExpertLoad l = load_expert_input(data_path("mixtral-8x7b_arxiv_expert_counts_L0-7-15.pkl"));
  PlacementMap map = read_placement(data_path(kMap));
  CHECK(map.source == kMap);
  REQUIRE(map.layers.size() == 32);
  apply_placement(l, map);
  CHECK(l.placement_source == kMap);
  REQUIRE(l.physical_to_logical.size() == 3);
  CHECK(l.physical_to_logical[2] == std::vector<int32_t>{0, 1, 3, 2, 4, 0, 5, 6, 3, 7, 5, 6});
  CHECK(placement_slots(l) == 12);
  CHECK(default_placement_ranks(l) == 6);
  CHECK_THROWS_WITH(placement_for(l, 8), Catch::Contains("12 slots per layer") && Catch::Contains("8 ranks"));
  const hp::ExpertBalance b = hp::expert_balance(l, 4, placement_for(l, 4));
  // Hand-computed: a replicated expert's count is split evenly over its slots, 3 slots per rank.
  CHECK(b.layers[0].rank_load == std::vector<double>{80175.5, 135947, 124089.5, 77580});
  CHECK(b.layers[2].rank_load == std::vector<double>{96019.5, 130742, 73831, 117199.5});
  CHECK(b.layers[2].balancedness == Approx(104448.0 / 130742.0));
  CHECK(l.warnings.empty());
}

TEST_CASE("placement: a per_pass dump's map is a placement, a stat dump is not", "[experts][placement]") {
  PlacementMap map = read_placement(data_path("expert_distribution_recorder_1752852772_0.pt"));
  REQUIRE(map.layers.size() == 2);
  CHECK(map.layers[1] == std::vector<int32_t>{3, 2, 1, 0, 3, 3});
  ExpertLoad stat = load_expert_input(data_path("expert_distribution_recorder_1752852772.pt"));
  apply_placement(stat, map);
  CHECK(placement_label(stat, true) == "placement expert_distribution_recorder_1752852772_0.pt");
  // layer 1 counts {8, 4, 1, 3}; expert 3 on slots 0, 4, 5 -> 1 each; ranks of 3 slots: {1+4+1, 8+1+1}.
  const hp::ExpertBalance b = hp::expert_balance(stat, 2, placement_for(stat, 2));
  CHECK(b.layers[1].rank_load == std::vector<double>{6, 10});
  CHECK_THROWS_WITH(read_placement(data_path("expert_distribution_recorder_1752852772.pt")),
                    Catch::Contains("no last_physical_to_logical_map"));
}

TEST_CASE("placement: bad maps are clear errors", "[experts][placement]") {
  CHECK_THROWS_WITH(read_placement_json(R"({"logical_count": [[1, 2]]})", "lc.json"),
                    Catch::Contains("lc.json") && Catch::Contains("logical_count (a load)"));
  CHECK_THROWS_WITH(read_placement_json(R"({"physical_to_logical_map": [[0, 1], [0]]})", "ragged.json"),
                    Catch::Contains("physical_to_logical_map[1] has 1 slots, layer 0 has 2"));
  CHECK_THROWS_WITH(read_placement_json(R"({"physical_to_logical_map": [[0, -1]]})", "neg.json"),
                    Catch::Contains("[0][1] is not an expert id"));
  try {
    read_placement_json("{\"physical_to_logical_map\": [[0, 1]", "cut.json");
    FAIL("a truncated map was accepted");
  } catch (const hp::ImportError& e) {
    CHECK(e.file() == "cut.json");
    CHECK(e.offset() == 36);
  }
  ExpertLoad l = load_expert_input(data_path("mixtral-8x7b_arxiv_expert_counts_L0-7-15.pkl"));
  // Two rows: neither the load's 3 layers nor the model's layer 15.
  CHECK_THROWS_WITH(
      apply_placement(l, read_placement_json(R"({"physical_to_logical_map": [[0], [1]]})", "two")),
      Catch::Contains("model layer 7 is not among"));
  CHECK_THROWS_WITH(
      apply_placement(l, read_placement_json(R"({"physical_to_logical_map": [[0, 9]]})", "nine")),
      Catch::Contains("slot 1 names expert 9") && Catch::Contains("experts 0..7"));
  // One row for every layer that leaves experts 2..7 out: counted, not fatal.
  apply_placement(l, read_placement_json(R"({"physical_to_logical_map": [[0, 1]]})", "half"));
  REQUIRE(l.warnings.size() == 1);
  CHECK(l.warnings[0] == "18 (layer, expert) pairs with load have no slot in half: their load is on no rank");
}
