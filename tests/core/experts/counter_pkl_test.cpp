#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "core/experts/counter_pkl.h"
#include "core/model/load_status.h"

using namespace hp::experts;

namespace {
std::string slurp(const std::string& name) {
  std::ifstream in(std::string(HOTPATH_TEST_DATA) + "/experts/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
ExpertLoad load(const std::string& name) {
  return read_counter_pkl(slurp(name), name);
}
int64_t row_sum(const ExpertLoad& l, size_t layer) {
  int64_t s = 0;
  for (size_t e = 0; e < l.experts; ++e) s += l.at(layer, e);
  return s;
}
}  // namespace

// Facts: shared/fixtures/PROVENANCE.md, "KV cache and MoE expert load".
TEST_CASE("counter pkl: OLMoE arXiv counts", "[experts][counter_pkl]") {
  ExpertLoad l = load("olmoe-1b-7b-0824_arxiv_expert_counts_L0-7-15.pkl");
  REQUIRE(l.layers() == 3);
  CHECK(l.experts == 64);
  CHECK(l.layer_ids == std::vector<int64_t>{0, 7, 15});
  CHECK(l.format == "counter-pkl");
  for (size_t i = 0; i < 3; ++i) CHECK(row_sum(l, i) == 1671168);
  CHECK(l.at(0, 0) == 204013);
  CHECK(l.at(0, 12) == 5475);
  CHECK(l.at(1, 17) == 164064);
  CHECK(l.at(1, 44) == 1306);
  CHECK(l.at(1, 0) == 17487);
  CHECK(l.at(2, 17) == 195709);
  CHECK(l.at(2, 14) == 19);
  CHECK(l.at(2, 39) == 19);
  CHECK(l.at(2, 0) == 26594);
}

TEST_CASE("counter pkl: OLMoE GitHub counts", "[experts][counter_pkl]") {
  ExpertLoad l = load("olmoe-1b-7b-0824_github_expert_counts_L0-7-15.pkl");
  REQUIRE(l.layers() == 3);
  for (size_t i = 0; i < 3; ++i) CHECK(row_sum(l, i) == 1671168);
  CHECK(l.at(0, 21) == 130724);
  CHECK(l.at(0, 9) == 4357);
  CHECK(l.at(0, 0) == 32373);
  CHECK(l.at(1, 17) == 160762);
  CHECK(l.at(1, 51) == 331);
  CHECK(l.at(1, 0) == 80972);
  CHECK(l.at(2, 30) == 117729);
  CHECK(l.at(2, 14) == 186);
  CHECK(l.at(2, 0) == 30851);
}

TEST_CASE("counter pkl: top-1 counts, absent experts are zero", "[experts][counter_pkl]") {
  ExpertLoad l = load("olmoe-1b-7b-0824_arxiv_expert_counts_top1_L0-7-15.pkl");
  REQUIRE(l.layers() == 3);
  CHECK(l.experts == 64);
  for (size_t i = 0; i < 3; ++i) CHECK(row_sum(l, i) == 208896);
  auto zeros = [&](size_t layer) {
    std::vector<size_t> z;
    for (size_t e = 0; e < l.experts; ++e)
      if (l.at(layer, e) == 0) z.push_back(e);
    return z;
  };
  CHECK(zeros(0).empty());
  CHECK(zeros(1) == std::vector<size_t>{3, 28});
  CHECK(zeros(2) == std::vector<size_t>{14, 18, 49});
  CHECK(l.at(0, 0) == 107734);
  CHECK(l.at(0, 23) == 1);
  CHECK(l.at(1, 4) == 38663);
  CHECK(l.at(2, 17) == 119604);
  CHECK(l.at(2, 0) == 267);
}

TEST_CASE("counter pkl: Mixtral full vectors", "[experts][counter_pkl]") {
  ExpertLoad l = load("mixtral-8x7b_arxiv_expert_counts_L0-7-15.pkl");
  REQUIRE(l.layers() == 3);
  REQUIRE(l.experts == 8);
  const std::vector<int64_t> want = {55713, 52019, 52619, 50522, 44401, 66285, 44770, 51463,
                                     51886, 50083, 56626, 44230, 52075, 54595, 49243, 59054,
                                     61212, 52639, 40083, 25549, 60053, 61162, 60951, 56143};
  CHECK(l.counts == want);
  for (size_t i = 0; i < 3; ++i) CHECK(row_sum(l, i) == 417792);
}

TEST_CASE("counter pkl: experts option widens the matrix", "[experts][counter_pkl]") {
  ExpertLoad l = read_counter_pkl(slurp("mixtral-8x7b_arxiv_expert_counts_L0-7-15.pkl"), "m.pkl", 10);
  CHECK(l.experts == 10);
  CHECK(l.at(2, 9) == 0);
  CHECK(l.layer_ids == std::vector<int64_t>{0, 1, 2});  // no _L part in the name: list positions
}
