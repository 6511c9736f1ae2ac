#include <catch2/catch.hpp>

#include "views/timeline/counter_columns.h"

using namespace hp;

TEST_CASE("counter columns keep the min and max of each pixel and hold values between samples") {
  Counters c;
  c.ts = {0, 10, 12, 15, 40, 95};
  c.value = {1, 5, -2, 3, 7, 0};
  c.series.push_back({0, 0, 0, 0, 0, 6});
  // 100 ns over 10 px: 10 ns per column.
  auto cols = counter_columns(c, c.series[0], {0, 100}, 10);
  REQUIRE(cols.size() == 10);
  CHECK(cols[0].min == 1);
  CHECK(cols[0].max == 1);
  CHECK(cols[1].min == -2);  // samples 5, -2, 3 fall in [10, 20)
  CHECK(cols[1].max == 5);
  CHECK(cols[2].min == 3);  // held
  CHECK(cols[4].max == 7);
  CHECK(cols[9].min == 0);
  CHECK(counter_extent(c, c.series[0]) == std::pair<double, double>{-2, 7});
  // A window starting after the last sample at or before it still shows the held value.
  auto late = counter_columns(c, c.series[0], {20, 30}, 5);
  REQUIRE(late.size() == 5);
  CHECK(late[0].min == 3);
  CHECK(late[4].max == 3);
  // Brute force: every sample inside the window lies within its column's range.
  auto all = counter_columns(c, c.series[0], {0, 100}, 100);
  for (size_t i = 0; i < c.ts.size(); ++i) {
    auto col = all[static_cast<size_t>(c.ts[i])];
    CHECK(col.min <= c.value[i]);
    CHECK(col.max >= c.value[i]);
  }
}
