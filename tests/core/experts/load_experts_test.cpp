#include <catch2/catch.hpp>

#include "core/experts/load_experts.h"
#include "core/model/load_status.h"
#include "tests/core/experts/experts_test_data.h"

using namespace hp::experts;
using namespace hp::experts::test;

TEST_CASE("load experts: detection by content and per-rank sums", "[experts][load_experts]") {
  std::vector<ExpertLoad> v = load_expert_inputs(
      {data_path("olmoe-1b-7b-0824_arxiv_expert_counts_L0-7-15.pkl"),
       data_path("expert_distribution_rank0_timestamp1741000000.csv"),
       data_path("expert_distribution_rank1_timestamp1741000000.csv"),
       data_path("expert_distribution_recorder_1752852772.pt"), data_path("sglang_expert_balancedness.log")});
  REQUIRE(v.size() == 4);
  CHECK(v[0].format == "counter-pkl");
  CHECK(v[1].format == "sglang-csv");
  CHECK(
      v[1].source ==
      "expert_distribution_rank0_timestamp1741000000.csv, expert_distribution_rank1_timestamp1741000000.csv");
  CHECK(v[1].layers() == 3);
  CHECK(v[1].counts == std::vector<int64_t>{11, 0, 5, 0, 0, 0, 0, 40, 0, 7, 0, 0});
  CHECK(v[2].format == "sglang-pt-stat");
  CHECK(v[3].balance.size() == 2);
  CHECK(is_expert_input(data_path("trtllm_expert_statistic"), ""));
  CHECK_FALSE(is_expert_input(data_path("nope.txt"), "hello"));
  CHECK_THROWS_WITH(load_expert_input(data_path("../PROVENANCE.md")),
                    Catch::Contains("not an expert-load file"));
}
