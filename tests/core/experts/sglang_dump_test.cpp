#include <catch2/catch.hpp>

#include "core/experts/sglang_dump.h"
#include "core/model/load_status.h"
#include "tests/core/experts/experts_test_data.h"

using namespace hp::experts;
using hp::experts::test::slurp;

// Shapes: reference/kv-and-experts.md 3.2; values: tests/data/PROVENANCE.md (experts/).
TEST_CASE("sglang .pt: stat mode sums the filled buffer rows", "[experts][sglang_dump]") {
  const std::string name = "expert_distribution_recorder_1752852772.pt";
  ExpertLoad l = read_sglang_pt(slurp(name), name);
  CHECK(l.format == "sglang-pt-stat");
  CHECK(l.layer_ids == std::vector<int64_t>{0, 1});
  CHECK(l.experts == 4);
  CHECK(l.counts == std::vector<int64_t>{0, 0, 0, 0, 8, 4, 1, 3});  // layer 0 dense: all zero
  CHECK(l.pass_ids == std::vector<int64_t>{0, 1});
  REQUIRE(l.pass_counts.size() == 2);
  CHECK(l.pass_counts[1] == std::vector<int64_t>{0, 0, 0, 0, 3, 3, 1, 1});
  REQUIRE(l.warnings.size() == 1);
  CHECK(l.warnings[0] == "1 of 3 buffer rows are empty (not yet filled)");
}

TEST_CASE("sglang .pt: per_pass records fold physical slots to logical experts", "[experts][sglang_dump]") {
  const std::string name = "expert_distribution_recorder_1752852772_0.pt";
  ExpertLoad l = read_sglang_pt(slurp(name), name);
  CHECK(l.format == "sglang-pt-per-pass");
  CHECK(l.experts == 4);
  CHECK(l.counts == std::vector<int64_t>{10, 3, 3, 4, 1, 1, 1, 13});
  CHECK(l.pass_ids == std::vector<int64_t>{7, 8});
  REQUIRE(l.pass_counts.size() == 2);
  CHECK(l.pass_counts[0] == std::vector<int64_t>{10, 3, 1, 2, 1, 1, 1, 3});
  CHECK(l.pass_counts[1] == std::vector<int64_t>{0, 0, 2, 2, 0, 0, 0, 10});
  REQUIRE(l.physical_to_logical.size() == 2);
  CHECK(l.physical_to_logical[1] == std::vector<int32_t>{3, 2, 1, 0, 3, 3});
}

TEST_CASE("sglang .pt: malformed dumps give errors, never a crash", "[experts][sglang_dump]") {
  const std::string good = slurp("expert_distribution_recorder_1752852772.pt");
  // Every truncation of the archive is refused with a reason.
  for (size_t n = 0; n < good.size(); ++n) {
    try {
      read_sglang_pt(std::string_view(good).substr(0, n), "cut.pt");
      FAIL("truncated at " << n << " was accepted");
    } catch (const hp::ImportError& e) {
      CHECK(e.file().rfind("cut.pt", 0) == 0);
    }
  }
  // A flipped byte in the storage: the CRC check catches it.
  std::string bad = good;
  const size_t at = bad.find(std::string("\x05\x00\x00\x00\x01\x00\x00\x00", 8));
  REQUIRE(at != std::string::npos);
  bad[at] = 6;
  CHECK_THROWS_WITH(read_sglang_pt(bad, "flip.pt"), Catch::Contains("fails its CRC check"));
  CHECK_THROWS_WITH(
      read_sglang_pt(slurp("bad_tensor_size.pt"), "bad_tensor_size.pt"),
      Catch::Contains("tensor needs element 31 of storage") && Catch::Contains("holds 24 int32"));
}

TEST_CASE("sglang csv: per-rank files, missing pairs are zero", "[experts][sglang_dump]") {
  ExpertLoad l = read_sglang_csv(slurp("expert_distribution_rank0_timestamp1741000000.csv"), "r0.csv");
  CHECK(l.format == "sglang-csv");
  CHECK(l.experts == 4);
  CHECK(l.counts == std::vector<int64_t>{10, 0, 5, 0, 0, 0, 0, 40});
  CHECK_THROWS_WITH(read_sglang_csv("layer_id,expert_id,count\n1,x,3\n", "b.csv"),
                    Catch::Contains("b.csv: byte 27: expected three integers"));
  CHECK_THROWS_WITH(read_sglang_csv("layer,expert\n", "h.csv"), Catch::Contains("expected the header"));
  // One tiny line must not allocate 4000 x 65000 cells.
  CHECK_THROWS_WITH(read_sglang_csv("layer_id,expert_id,count\n4000,65000,1\n", "big.csv"),
                    Catch::Contains("4001 layers x 65001 experts is more than 16777216 cells"));
}
