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
