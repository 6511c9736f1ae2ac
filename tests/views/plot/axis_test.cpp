#include "views/plot/axis.h"

#include <catch2/catch.hpp>

using namespace hp::plot;

TEST_CASE("plot axis: nice steps are 1, 2 or 5 x 10^k", "[plot]") {
  CHECK(nice_step(0, 10, 5) == Approx(2));
  CHECK(nice_step(0, 1, 4) == Approx(0.5));    // raw 0.25 -> 0.5
  CHECK(nice_step(0, 730, 6) == Approx(200));  // raw 121.7 -> 200
  CHECK(nice_step(3, 3, 5) == 1);              // empty range: a harmless step
  CHECK(nice_step(0, 1e-7, 5) == Approx(2e-8));
}

TEST_CASE("plot axis: ticks inside the range, labelled in the unit", "[plot]") {
  auto t = ticks(0, 730, 6, Unit::Milliseconds);
  REQUIRE(t.size() == 4);
  CHECK(t[0].label == "0 ms");
  CHECK(t[3].value == Approx(600));
  CHECK(t[3].label == "600 ms");
  auto ns = ticks(0, 2.5e9, 5, Unit::Nanoseconds);  // step 0.5 s
  REQUIRE(ns.size() == 6);
  CHECK(ns[1].label == "0.5 s");
  CHECK(ns[5].label == "2.5 s");
  auto f = ticks(0, 1, 4, Unit::Fraction);
  REQUIRE(f.size() == 3);
  CHECK(f[1].label == "50 %");
  auto neg = ticks(-1, 1, 2, Unit::None);
  REQUIRE(neg.size() == 3);
  CHECK(neg[1].label == "0");  // never "-0"
  CHECK(ticks(5, 5, 4, Unit::None).empty());
}

TEST_CASE("plot axis: values in their unit", "[plot]") {
  CHECK(format_value(1.5e6, Unit::Nanoseconds) == "1.50 ms");
  CHECK(format_value(250, Unit::Nanoseconds) == "250 ns");
  CHECK(format_value(3200, Unit::Tokens) == "3.20 k tok");
  CHECK(format_value(0.071, Unit::Fraction) == "7.1 %");
  CHECK(format_value(12.5, Unit::PerSecond) == "12.50/s");
  CHECK(format_value(76311, Unit::PerSecond) == "76.31 k/s");
}
