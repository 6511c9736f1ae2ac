#include <catch2/catch.hpp>

#include <cmath>

#include "core/experts/balance_log.h"
#include "core/model/load_status.h"
#include "tests/core/experts/experts_test_data.h"

using namespace hp::experts;
using hp::experts::test::slurp;

// Line shapes: reference/kv-and-experts.md 2.4 (three historical vLLM shapes) and 3.2 (SGLang).
TEST_CASE("balance log: vLLM EPLB step lines, all three shapes", "[experts][balance_log]") {
  ExpertLoad l = read_balance_log(slurp("vllm_eplb_balancedness.log"), "v.log");
  CHECK(l.format == "vllm-eplb-log");
  CHECK_FALSE(l.has_counts());
  REQUIRE(l.balance.size() == 3);
  CHECK(l.balance[0].balancedness == 0.6667);
  CHECK(l.balance[0].avg_tokens == 1024.0);
  CHECK(l.balance[0].max_tokens == 1536.0);
  CHECK(l.balance[1].balancedness == 0.9005);
  CHECK(l.balance[1].avg_tokens == 900.5);
  CHECK(l.balance[2].balancedness == 0.8);
  CHECK(l.balance[2].step == 2);
}

TEST_CASE("balance log: SGLang [Expert Balancedness] lines", "[experts][balance_log]") {
  ExpertLoad l = read_balance_log(slurp("sglang_expert_balancedness.log"), "s.log");
  CHECK(l.format == "sglang-balancedness-log");
  REQUIRE(l.balance.size() == 2);
  CHECK(l.balance[0].step == 100);
  CHECK(l.balance[0].balancedness == 0.712);
  CHECK(l.balance[0].ts_ns == 1752852772LL * 1000000000);
  CHECK(l.balance[1].step == 101);
  CHECK(std::isnan(l.balance[1].avg_tokens));
}

TEST_CASE("balance log: unreadable numbers and empty logs", "[experts][balance_log]") {
  CHECK_THROWS_WITH(
      read_balance_log("x\nINFO EPLB step: avg_tokens=1, max_tokens=2, balancedness=abc\n", "b.log"),
      Catch::Contains("b.log: byte 2: expert-balance line without a readable balancedness"));
  CHECK_THROWS_WITH(read_balance_log("nothing here\n", "n.log"), Catch::Contains("no 'EPLB step:'"));
}
