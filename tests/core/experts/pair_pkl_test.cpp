// Co-routing (pair) Counter files: shared/fixtures/PROVENANCE.md,
// kv_moe/mixtral-8x7b_arxiv_expert_pair_counts_L0xL7_L7xL15.pkl.
#include <catch2/catch.hpp>

#include "core/experts/counter_pkl.h"
#include "core/experts/load_experts.h"
#include "core/experts/pair_pkl.h"
#include "core/model/load_status.h"
#include "tests/core/experts/experts_test_data.h"

using namespace hp::experts;
using hp::experts::test::data_path;
using hp::experts::test::slurp;

namespace {
const std::string kPairs = "mixtral-8x7b_arxiv_expert_pair_counts_L0xL7_L7xL15.pkl";
}

TEST_CASE("pair pkl: the real Mixtral co-routing matrices", "[experts][pair_pkl]") {
  ExpertLoad l = load_expert_input(data_path(kPairs));
  CHECK(l.format == "pair-pkl");
  CHECK_FALSE(l.has_counts());
  REQUIRE(l.pairs.size() == 2);
  const CoRouting& a = l.pairs[0];
  const CoRouting& b = l.pairs[1];
  CHECK(a.layer_a == 0);
  CHECK(a.layer_b == 7);
  CHECK(b.layer_a == 7);
  CHECK(b.layer_b == 15);
  CHECK(a.experts_a == 8);
  CHECK(a.experts_b == 8);
  CHECK(a.total == 417792);
  CHECK(b.total == 417792);
  CHECK(std::count_if(a.counts.begin(), a.counts.end(), [](int64_t c) { return c > 0; }) == 64);
  CHECK(diagonal_sum(a) == 51797);
  CHECK(diagonal_sum(b) == 69661);
  const auto ta = top_pairs(a, 3);
  REQUIRE(ta.size() == 3);
  CHECK(ta[0].a == 2);
  CHECK(ta[0].b == 7);
  CHECK(ta[0].count == 10318);
  CHECK(ta[0].count >= ta[1].count);
  CHECK(ta[1].count >= ta[2].count);
  const auto tb = top_pairs(b, 1);
  CHECK(tb[0].a == 1);
  CHECK(tb[0].b == 6);
  CHECK(tb[0].count == 18409);
  // Lift: a pair's count over what independent choices would give (row x column / total).
  int64_t row = 0, col = 0;
  for (uint32_t e = 0; e < 8; ++e) row += b.at(1, e), col += b.at(e, 6);
  CHECK(tb[0].lift == Approx(18409.0 * 417792.0 / (static_cast<double>(row) * static_cast<double>(col))));
  CHECK(top_pairs(a, 100).size() == 64);
}

TEST_CASE("pair pkl: bad keys and counts are clear errors", "[experts][pair_pkl]") {
  // pickle.dumps([{(1, 'x'): 3}], protocol=2)
  const std::string str_key("\x80\x02]q\x00}q\x01K\x01X\x01\x00\x00\x00xq\x02\x86q\x03K\x03sa.", 26);
  CHECK_THROWS_WITH(read_counter_pkl(str_key, "s.pkl"),
                    Catch::Contains("matrix 0: a key is not an (expert, expert) pair"));
  // pickle.dumps([{(1, 2): -3}], protocol=2)
  const std::string neg("\x80\x02]q\x00}q\x01K\x01K\x02\x86q\x02J\xfd\xff\xff\xffsa.", 23);
  CHECK_THROWS_WITH(read_counter_pkl(neg, "n.pkl"), Catch::Contains("count of (1, 2) is not an int"));
  // pickle.dumps([{(1, 2): 3}, {5: 1}], protocol=2): a pair Counter then an expert Counter.
  const std::string mixed("\x80\x02]q\x00(}q\x01K\x01K\x02\x86q\x02K\x03s}q\x03K\x05K\x01se.", 29);
  try {
    read_counter_pkl(mixed, "m.pkl");
    FAIL("a mixed file was accepted");
  } catch (const hp::ImportError& e) {
    CHECK(e.file() == "m.pkl");
    CHECK(e.offset() > 0);
    CHECK(std::string(e.what()).find("matrix 1: a key is not an (expert, expert) pair") != std::string::npos);
  }
  // Every truncation of the real file is refused, never a crash.
  const std::string good = slurp(kPairs);
  for (size_t n = 0; n + 1 < good.size(); n += 7)
    CHECK_THROWS_AS(read_counter_pkl(good.substr(0, n), "cut.pkl"), hp::ImportError);
}
