#include <catch2/catch.hpp>

#include "core/session/load_session.h"

using namespace hp;

TEST_CASE("load session: expert-load files become expert sources", "[session][experts]") {
  const std::string dir = HOTPATH_TEST_DATA "/experts/";
  LoadProgress progress;
  auto s = load_session(
      {dir + "mixtral-8x7b_arxiv_expert_counts_L0-7-15.pkl", dir + "trtllm_expert_statistic"}, progress);
  REQUIRE(s->experts.size() == 2);
  CHECK(s->experts[0].format == "counter-pkl");
  CHECK(s->experts[0].at(0, 5) == 66285);
  CHECK(s->experts[1].format == "trtllm-safetensors");
  REQUIRE(s->sources.size() == 2);
  CHECK(s->sources[0].kind == SourceKind::Experts);
  CHECK(s->sources[0].name == "mixtral-8x7b_arxiv_expert_counts_L0-7-15.pkl");
  CHECK_FALSE(s->sources[0].absolute);
  CHECK_THROWS_AS(load_session({dir + "bad_tensor_size.pt"}, progress), ImportError);
}

// tests/data/PROVENANCE.md: the init-expert-location map, opened together with the counts.
TEST_CASE("load session: a placement JSON applies to the expert inputs opened with it",
          "[session][experts]") {
  const std::string dir = HOTPATH_TEST_DATA "/experts/";
  LoadProgress progress;
  auto s = load_session({dir + "sglang_init_expert_location_mixtral_4ranks.json",
                         dir + "mixtral-8x7b_arxiv_expert_counts_L0-7-15.pkl"},
                        progress);
  REQUIRE(s->experts.size() == 1);
  CHECK(s->experts[0].placement_source == "sglang_init_expert_location_mixtral_4ranks.json");
  REQUIRE(s->experts[0].physical_to_logical.size() == 3);
  CHECK(s->experts[0].physical_to_logical[2] == std::vector<int32_t>{0, 1, 3, 2, 4, 0, 5, 6, 3, 7, 5, 6});
  // The Mixtral map over OLMoE's 64 experts: legal ids, but 56 experts per layer on no rank, counted.
  auto o = load_session({dir + "sglang_init_expert_location_mixtral_4ranks.json",
                         dir + "olmoe-1b-7b-0824_arxiv_expert_counts_L0-7-15.pkl"},
                        progress);
  REQUIRE(o->experts[0].warnings.size() == 1);
  CHECK(
      o->experts[0].warnings[0] ==
      "168 (layer, expert) pairs with load have no slot in sglang_init_expert_location_mixtral_4ranks.json: "
      "their load is on no rank");
}
