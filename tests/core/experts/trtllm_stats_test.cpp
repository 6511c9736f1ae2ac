#include <catch2/catch.hpp>

#include "core/experts/load_experts.h"
#include "core/experts/trtllm_stats.h"
#include "core/model/load_status.h"
#include "tests/core/experts/experts_test_data.h"

using namespace hp::experts;
using namespace hp::experts::test;

// Shape: reference/kv-and-experts.md 4; values: tests/data/PROVENANCE.md (experts/).
TEST_CASE("trtllm: one rank's safetensors, iterations as passes", "[experts][trtllm]") {
  ExpertLoad l =
      read_trtllm_safetensors(slurp("trtllm_expert_statistic/rank0.safetensors"), "rank0.safetensors");
  CHECK(l.format == "trtllm-safetensors");
  CHECK(l.layer_ids == std::vector<int64_t>{3, 5});
  CHECK(l.experts == 4);
  CHECK(l.counts == std::vector<int64_t>{3, 4, 5, 6, 1, 0, 8, 1});
  CHECK(l.pass_ids == std::vector<int64_t>{10, 11});
}

TEST_CASE("trtllm: the statistic directory sums ranks and reads meta_info.json", "[experts][trtllm]") {
  ExpertLoad l = load_expert_input(data_path("trtllm_expert_statistic"));
  CHECK(l.source == "trtllm_expert_statistic (2 ranks)");
  CHECK(l.counts == std::vector<int64_t>{3, 9, 5, 16, 2, 1, 9, 5});
  REQUIRE(l.pass_counts.size() == 2);
  CHECK(l.pass_counts[0] == std::vector<int64_t>{1, 2, 3, 14, 1, 1, 9, 1});
  CHECK(read_trtllm_meta(R"({"num_experts": 256, "num_experts_per_token": 8})", "m.json") == 256);
}

TEST_CASE("trtllm: wrong tensor sizes and truncation are errors", "[experts][trtllm]") {
  const std::string good = slurp("trtllm_expert_statistic/rank0.safetensors");
  for (size_t n = 0; n < good.size(); ++n)
    CHECK_THROWS_AS(read_trtllm_safetensors(good.substr(0, n), "t"), hp::ImportError);
  auto file = [](const std::string& header) {
    std::string b(8, '\0');
    b[0] = static_cast<char>(header.size());
    return b + header + std::string(16, '\0');
  };
  CHECK_THROWS_WITH(
      read_trtllm_safetensors(file(R"({"1_0":{"dtype":"I64","shape":[3],"data_offsets":[0,16]}})"), "w"),
      Catch::Contains("3 elements but 16 bytes"));
  CHECK_THROWS_WITH(
      read_trtllm_safetensors(file(R"({"x":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}})"), "w"),
      Catch::Contains("is not '<iteration>_<layer>'"));
  CHECK_THROWS_WITH(
      read_trtllm_safetensors(file(R"({"1_0":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})"), "w"),
      Catch::Contains("not an I64 tensor"));
}
