#include <catch2/catch.hpp>

#include "core/model/string_pool.h"

TEST_CASE("string pool interns once and keeps views stable") {
  hp::StringPool pool;
  CHECK(pool.view(0).empty());
  auto a = pool.intern("cudaLaunchKernel");
  auto b = pool.intern("ampere_sgemm");
  CHECK(a != b);
  CHECK(pool.intern("cudaLaunchKernel") == a);
  std::string big(3 << 20, 'x');  // larger than a block
  auto c = pool.intern(big);
  for (int i = 0; i < 20000; ++i) pool.intern("name" + std::to_string(i));
  CHECK(pool.view(a) == "cudaLaunchKernel");
  CHECK(pool.view(c).size() == big.size());
  CHECK(pool.find("ampere_sgemm") == b);
  CHECK(pool.find("missing") == 0);
  CHECK(pool.size() == 20004);
}

TEST_CASE("string pool: a share keeps its strings while the original and the share both add") {
  hp::StringPool pool;
  const auto a = pool.intern("vllm:num_requests_running");
  const auto id = pool.add_unindexed("hp-req-1");
  hp::StringPool snap = pool.share();
  CHECK(snap.size() == pool.size());
  // The original goes on in the same block; the share cannot claim those bytes and starts its own.
  for (int i = 2; i < 50'000; ++i) pool.add_unindexed("hp-req-" + std::to_string(i));
  const auto big = pool.intern(std::string(400'000, 'y'));  // a block of its own
  const auto s1 = snap.intern("only-in-the-share");
  CHECK(snap.view(a) == "vllm:num_requests_running");
  CHECK(snap.view(id) == "hp-req-1");
  CHECK(snap.view(s1) == "only-in-the-share");
  CHECK(snap.find("vllm:num_requests_running") == a);
  CHECK(snap.size() == 4);             // "", two strings, and its own
  CHECK(pool.view(s1) == "hp-req-2");  // the same id is another string in each pool
  CHECK(pool.view(static_cast<hp::StrId>(id + 49'998)) == "hp-req-49999");
  CHECK(pool.view(big).size() == 400'000);
  CHECK(pool.find("only-in-the-share") == 0);
  CHECK(pool.intern("vllm:num_requests_running") == a);
}
