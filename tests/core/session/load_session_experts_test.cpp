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
