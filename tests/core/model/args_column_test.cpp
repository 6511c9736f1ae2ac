// ArgsColumn: ~6 bytes a row for args that lie close together, exact for any offset and length.
#include "core/model/args_column.h"

#include <catch2/catch.hpp>
#include <vector>

using hp::ArgsColumn;
using hp::ArgsRef;

namespace {
ArgsRef ref(uint64_t offset, uint64_t length) {
  ArgsRef a;
  a.offset = offset, a.length = length;
  return a;
}
}  // namespace

TEST_CASE("args column: offsets and lengths round-trip, and empty rows read as ArgsRef{}",
          "[model][args_column]") {
  std::vector<ArgsRef> want;
  uint64_t at = 100'000'000;
  for (int i = 0; i < 1000; ++i) {
    const uint64_t len = i % 10 == 0 ? 0 : 40 + i % 300;
    want.push_back(len ? ref(at, len) : ArgsRef{});
    at += len;
  }
  want.push_back(ref((uint64_t{1} << 40) - 1, 70000));  // far away and longer than u16
  want.push_back(ref(5, ArgsRef::kLongArgs));
  ArgsColumn c;
  for (ArgsRef a : want) c.push_back(a);
  REQUIRE(c.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    INFO(i);
    CHECK(c[i] == want[i]);
  }
  // Empty rows stay in their block's range, so only the last block goes wide.
  c.shrink_to_fit();
  CHECK(c.bytes() < 1000 * 7 + 2 * (64 * 8 + 64 * 6 + 80));

  ArgsColumn odd{ref(7, 0)};  // an empty row with an offset reads back empty
  CHECK(odd[0] == ArgsRef{});

  c.permute({1001, 1, 0});
  REQUIRE(c.size() == 3);
  CHECK(c[0] == want[1001]);
  CHECK(c[1] == want[1]);
  CHECK(c[2] == ArgsRef{});
  CHECK(!(c == ArgsColumn{}));
  c.resize(4);
  CHECK(c[3] == ArgsRef{});
  c.set(3, ref(12, 34));
  c.set(0, ArgsRef{});
  CHECK(c[3] == ref(12, 34));
  CHECK(c[0] == ArgsRef{});
}
