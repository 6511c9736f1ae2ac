#include <catch2/catch.hpp>

#include "core/util/time_format.h"

TEST_CASE("durations pick their unit by magnitude") {
  CHECK(hp::format_duration(950) == "950 ns");
  CHECK(hp::format_duration(12'500) == "12.5 µs");
  CHECK(hp::format_duration(3'254'000) == "3.25 ms");
  CHECK(hp::format_duration(1'500'000'000) == "1.5 s");
  CHECK(hp::format_duration(-2'000) == "-2 µs");
  CHECK(hp::format_tick(250'000, 250'000) == "250 µs");
  CHECK(hp::format_tick(1'250'000, 250'000) == "1.25 ms");
  CHECK(hp::format_tick(3'000'000, 1'000'000) == "3 ms");
  CHECK(hp::format_tick(2'500'000'000, 500'000'000) == "2.5 s");
}
