// NarrowColumn keeps every value exact: narrow rows, escapes for the rest.
#include "core/model/narrow_column.h"

#include <catch2/catch.hpp>

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
