// The two-thread importer pipeline: in-order delivery, slot reuse, and errors from either side.
#include "core/util/pipeline.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>
#include <vector>

TEST_CASE("pipeline: items arrive in order through a ring of slots", "[util][pipeline]") {
  for (size_t depth : {size_t{1}, size_t{2}, size_t{3}}) {
    std::vector<std::vector<int>> slots(depth);
    std::vector<int> seen;
    hp::run_pipelined(
        100, slots, [](size_t i, std::vector<int>& s) { s.assign(3, static_cast<int>(i)); },
        [&](size_t i, std::vector<int>& s) {
          REQUIRE(s.size() == 3);
          CHECK(s[0] == static_cast<int>(i));
          seen.push_back(s[2]);
        });
    REQUIRE(seen.size() == 100);
    for (int i = 0; i < 100; ++i) CHECK(seen[static_cast<size_t>(i)] == i);
  }
}

TEST_CASE("pipeline: a producer error stops the run and reaches the caller", "[util][pipeline]") {
  std::vector<int> slots(3);
  size_t consumed = 0;
  auto run = [&] {
    hp::run_pipelined(
        50, slots,
        [](size_t i, int& s) {
          if (i == 10) throw std::runtime_error("producer failed at 10");
          s = static_cast<int>(i);
        },
        [&](size_t, int&) { ++consumed; });
  };
  CHECK_THROWS_WITH(run(), "producer failed at 10");
  CHECK(consumed == 10);
}

TEST_CASE("pipeline: a consumer error stops the producer", "[util][pipeline]") {
  std::vector<int> slots(2);
  size_t produced = 0;
  auto run = [&] {
    hp::run_pipelined(
        1000, slots, [&](size_t, int&) { ++produced; },
        [](size_t i, int&) {
          if (i == 3) throw std::runtime_error("consumer failed at 3");
        });
  };
  CHECK_THROWS_WITH(run(), "consumer failed at 3");
  CHECK(produced <= 6);  // at most the ring ahead of the failed item
}

TEST_CASE("run_both: both halves run, and an error from either reaches the caller", "[util][pipeline]") {
  std::vector<int> a(1000), b(1000);
  hp::run_both([&] { std::fill(a.begin(), a.end(), 1); }, [&] { std::fill(b.begin(), b.end(), 2); });
  CHECK(std::count(a.begin(), a.end(), 1) == 1000);
  CHECK(std::count(b.begin(), b.end(), 2) == 1000);
  bool b_ran = false;
  CHECK_THROWS_WITH(hp::run_both([] { throw std::runtime_error("first half"); }, [&] { b_ran = true; }),
                    "first half");
  CHECK(b_ran);  // the other half is not abandoned midway
  CHECK_THROWS_WITH(hp::run_both([] {}, [] { throw std::runtime_error("second half"); }), "second half");
}
