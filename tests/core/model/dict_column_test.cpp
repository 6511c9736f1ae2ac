// IdColumn widens once instead of escaping; DictColumn keeps each distinct value once, by its bytes.
#include "core/model/dict_column.h"

#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "core/model/run.h"

TEST_CASE("id column: u16 rows until an id needs more, then u32 rows, every id exact",
          "[model][dict_column]") {
  hp::IdColumn c{0, 7, 65535};
  CHECK(!c.wide());
  c.shrink_to_fit();
  CHECK(c.bytes() == 3 * 2);
  c.push_back(65536);  // the first id past u16 widens every row
  CHECK(c.wide());
  REQUIRE(c.size() == 4);
  CHECK(c[0] == 0);
  CHECK(c[2] == 65535);
  CHECK(c[3] == 65536);
  c.set(1, UINT32_MAX);
  CHECK(c[1] == UINT32_MAX);
  hp::IdColumn narrow{0, UINT32_MAX, 65535, 65536};
  CHECK(narrow == c);  // equal by value, whatever the width
  c.permute({3, 1, 1});
  CHECK(c == hp::IdColumn{65536, UINT32_MAX, UINT32_MAX});
  hp::IdColumn s{5, 6};
  s.set(0, 70000);  // set widens too
  CHECK(s == hp::IdColumn{70000, 6});
  s.resize(3);
  CHECK(s[2] == 0);
  s.clear();
  CHECK(!s.wide());
  CHECK(s.empty());
}

TEST_CASE("dictionary column: one u16 index a row, values exact by their bytes", "[model][dict_column]") {
  hp::DictColumn<std::array<uint32_t, 3>> grid;
  for (uint32_t i = 0; i < 1000; ++i) grid.push_back({i % 3 + 1, 1, 1});
  CHECK(grid.distinct() == 3);
  CHECK(grid[998] == std::array<uint32_t, 3>{3, 1, 1});
  grid.shrink_to_fit();
  CHECK(grid.bytes() < 1000 * 2 + 400);  // 2 bytes a row; 3 values and 64 hash slots
  grid.permute({2, 1, 0});
  REQUIRE(grid.size() == 3);
  CHECK(grid[0] == std::array<uint32_t, 3>{3, 1, 1});
  hp::DictColumn<float> occ{__builtin_nanf(""), -0.0f, 0.0f, 50.5f};
  CHECK(occ.distinct() == 4);
  CHECK(std::isnan(occ[0]));
  CHECK(std::signbit(occ[1]));
  CHECK(!std::signbit(occ[2]));
  hp::DictColumn<float> same{__builtin_nanf(""), -0.0f, 0.0f, 50.5f};
  CHECK(occ == same);  // by bytes: NaN equals itself
  // Past 65534 distinct values the indices still round-trip.
  hp::DictColumn<uint32_t> many;
  for (uint32_t i = 0; i < 70000; ++i) many.push_back(i * 7);
  for (uint32_t i = 0; i < 70000; i += 997) REQUIRE(many[i] == i * 7);
  many.resize(70002);
  CHECK(many[70001] == 0);
}

TEST_CASE("dictionary column of launches: each distinct configuration once, NaN occupancy exact",
          "[model][dict_column]") {
  hp::DictColumn<hp::GpuLaunch> l;
  for (uint32_t i = 0; i < 3000; ++i) {
    hp::GpuLaunch k;
    if (i % 3 == 2)
      k.bytes = 4096 * (i % 5);  // a copy: no launch configuration
    else
      k.grid = {i % 7 + 1, 1, 1}, k.block = {128, 1, 1}, k.registers_per_thread = 32;
    if (i % 3 == 0) k.occupancy_pct = 50.0f;
    l.push_back(k);
  }
  CHECK(l.distinct() == 7 + 7 + 5);  // 7 grids with occupancy, 7 without, 5 copy sizes
  CHECK(l[3].grid == std::array<uint32_t, 3>{4, 1, 1});
  CHECK(l[3].occupancy_pct == 50.0f);
  CHECK(std::isnan(l[4].occupancy_pct));
  CHECK(l[5].bytes == 4096 * 0);
  CHECK(l[8].bytes == 4096 * 3);
  CHECK(l[8].grid[0] == 0);
}
