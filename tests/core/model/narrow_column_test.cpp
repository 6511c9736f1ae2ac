// NarrowColumn keeps every value exact: narrow rows, escapes for the rest.
#include "core/model/narrow_column.h"

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

using hp::NarrowColumn;

TEST_CASE("narrow column: values that do not fit are kept exactly", "[model][narrow_column]") {
  NarrowColumn<int64_t, int32_t> c{0, -1, INT32_MAX, INT32_MIN, INT64_MAX, int64_t{1} << 40, -5};
  REQUIRE(c.size() == 7);
  CHECK(c[0] == 0);
  CHECK(c[1] == -1);
  CHECK(c[2] == INT32_MAX);
  CHECK(c[3] == INT32_MIN);  // the escape value itself goes to the side table
  CHECK(c[4] == INT64_MAX);
  CHECK(c[5] == int64_t{1} << 40);
  CHECK(c[6] == -5);
  CHECK(c.wide_count() == 3);
  c.set(4, 7);  // a wide row becomes narrow again
  CHECK(c[4] == 7);
  CHECK(c.wide_count() == 2);
  c.set(0, -(int64_t{1} << 33));
  CHECK(c[0] == -(int64_t{1} << 33));
  CHECK(c.wide_count() == 3);
}

TEST_CASE("narrow column: unsigned rows escape negatives and the maximum", "[model][narrow_column]") {
  NarrowColumn<int64_t, uint32_t> d{5, UINT32_MAX - 1, UINT32_MAX, -3, int64_t{5} << 32};
  CHECK(d[0] == 5);
  CHECK(d[1] == UINT32_MAX - 1);
  CHECK(d[2] == UINT32_MAX);
  CHECK(d[3] == -3);
  CHECK(d[4] == int64_t{5} << 32);
  CHECK(d.wide_count() == 3);
}

TEST_CASE("narrow column: permute, resize and equality carry the side table", "[model][narrow_column]") {
  NarrowColumn<int64_t, int32_t> c{10, INT64_MIN, 30, INT64_MAX};
  c.permute({3, 2, 1, 0});
  CHECK(c[0] == INT64_MAX);
  CHECK(c[1] == 30);
  CHECK(c[2] == INT64_MIN);
  CHECK(c[3] == 10);
  NarrowColumn<int64_t, int32_t> same{INT64_MAX, 30, INT64_MIN, 10};
  CHECK(c == same);
  same.set(2, 1);
  CHECK_FALSE(c == same);
  c.resize(1);
  CHECK(c.size() == 1);
  CHECK(c.wide_count() == 1);
  c.resize(3);
  CHECK(c[2] == 0);
  CHECK(c.wide_count() == 1);
}

TEST_CASE("time column: u32 offsets per block, exact for any int64", "[model][narrow_column]") {
  using hp::TimeColumn;
  TimeColumn t;
  std::vector<int64_t> want;
  // Sorted starts a few µs apart, a jump back (next track), the extremes, and a 10 s gap.
  for (int64_t i = 0; i < 200; ++i) want.push_back(1'700'000'000'000'000'000 + i * 1500);
  want.push_back(5);
  want.push_back(INT64_MIN);
  want.push_back(INT64_MAX);
  for (int64_t i = 0; i < 70; ++i) want.push_back(i * 10'000'000'000);
  for (int64_t v : want) t.push_back(v);
  REQUIRE(t.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) CHECK(t[i] == want[i]);
  // Rows 0..191 (three blocks of close starts) stay narrow; the block with the extremes is stored wide;
  // the last, 10 s gaps of whole µs, counts in µs.
  CHECK(t.wide_count() == 64);
  t.shrink_to_fit();
  CHECK(t.bytes() < want.size() * 4 + 5 * 16 + 64 * 8 + 64);
  // Iterators work with the standard binary searches.
  auto it = std::lower_bound(t.begin(), t.begin() + 200, want[57]);
  CHECK(it - t.begin() == 57);
  CHECK(std::upper_bound(t.begin(), t.begin() + 200, want[199] + 1) == t.begin() + 200);
  t.set(3, INT64_MIN);
  CHECK(t[3] == INT64_MIN);
  t.set(3, want[3]);
  CHECK(t[3] == want[3]);
  TimeColumn u{want[2], want[1], want[0]};
  TimeColumn v{want[0], want[1], want[2]};
  u.permute({2, 1, 0});
  CHECK(u == v);
  u.resize(1);
  CHECK(u.size() == 1);
  CHECK(u[0] == want[0]);
  u.resize(130);  // grows across two new blocks
  CHECK(u[0] == want[0]);
  CHECK(u[129] == 0);
  u.push_back(-42);
  CHECK(u[130] == -42);
}

TEST_CASE("block column with u16 rows: dense ids cost 2 bytes, any int64 stays exact",
          "[model][narrow_column]") {
  hp::BlockColumn<uint16_t> c;
  std::vector<int64_t> want;
  for (int64_t i = 0; i < 640; ++i) want.push_back(5'000'000'000 + i * 3);  // Python ids, close together
  want.push_back(-1);                                                       // a frame without parent
  for (int64_t i = 0; i < 63; ++i) want.push_back(5'000'000'000 + i);
  for (int64_t v : want) c.push_back(v);
  for (size_t i = 0; i < want.size(); ++i) REQUIRE(c[i] == want[i]);
  CHECK(c.wide_count() == 64);  // only the block holding -1
  c.shrink_to_fit();
  CHECK(c.bytes() < want.size() * 2 + 11 * 16 + 64 * 8 + 64);
  c.set(0, INT64_MIN);  // a narrow block that goes wide keeps its other rows
  CHECK(c[0] == INT64_MIN);
  for (size_t i = 1; i < want.size(); ++i) REQUIRE(c[i] == want[i]);
  CHECK(c.wide_count() == 128);
}

TEST_CASE("block column: a sparse block of whole microseconds counts in µs, exactly",
          "[model][narrow_column]") {
  hp::TimeColumn c;
  std::vector<int64_t> want;
  // 64 starts 10 s apart (epoch ns, integer µs): 630 s do not fit u32 ns offsets, but fit u32 µs.
  for (int64_t k = 0; k < 64; ++k) want.push_back(1'700'000'000'000'000'000 + k * 10'000'000'000 + k * 1000);
  // A second block as sparse, with one start that is not a whole µs: stored wide.
  for (int64_t k = 0; k < 64; ++k) want.push_back(1'800'000'000'000'000'000 + k * 10'000'000'000 + (k == 7));
  // A third: whole µs near the bottom of int64 (the base cannot sit below the first value).
  for (int64_t k = 0; k < 64; ++k) want.push_back(-9'223'372'036'854'775'000 + k * 10'000'000'000);
  for (int64_t v : want) c.push_back(v);
  for (size_t i = 0; i < want.size(); ++i) REQUIRE(c[i] == want[i]);
  CHECK(c.wide_count() == 64);  // only the second block
  c.shrink_to_fit();
  CHECK(c.bytes() == want.size() * 4 + 3 * 16 + 64 * 8);
  // Setting a whole-µs value in range keeps the block in µs; a value off the µs grid sends it wide.
  c.set(3, want[3] + 2'000'000);
  want[3] += 2'000'000;
  CHECK(c.wide_count() == 64);
  c.set(5, want[5] + 1);
  want[5] += 1;
  CHECK(c.wide_count() == 128);
  for (size_t i = 0; i < want.size(); ++i) REQUIRE(c[i] == want[i]);
  // Whole µs that span more than u32 µs (4295 s) go wide too.
  hp::TimeColumn far{0, 5'000'000'000'000};
  CHECK(far[1] == 5'000'000'000'000);
  CHECK(far.wide_count() == 2);
}
