#include "core/util/percentile.h"

#include <catch2/catch.hpp>
#include <cmath>

using hp::percentile;
using hp::percentile_sorted;

TEST_CASE("percentile matches numpy's linear method", "[util][percentile]") {
  std::vector<double> v{300, 100, 200, 100};
  CHECK(percentile(v, 50) == 150);
  CHECK(percentile(v, 90) == Approx(270));
  CHECK(percentile(v, 99) == Approx(297));
  CHECK(percentile(v, 100) == 300);
  CHECK(percentile(v, 0) == 100);
  std::vector<double> one{7};
  CHECK(percentile(one, 99) == 7);
  std::vector<double> none;
  CHECK(std::isnan(percentile(none, 50)));
}

TEST_CASE("percentile of times: the same interpolation, rounded to the ns", "[util][percentile]") {
  // numpy.percentile([100, 100, 200, 301], [50, 99]) = [150.0, 297.97]
  std::vector<int64_t> v{100, 100, 200, 301};
  CHECK(percentile_sorted(v, 0.5) == 150);
  CHECK(percentile_sorted(v, 0.99) == 298);
  CHECK(percentile_sorted(std::vector<int64_t>{}, 0.5) == 0);
  // Agrees with the double form on the same data, as serve-profile's line and serve-report must.
  std::vector<double> d{100, 100, 200, 301};
  CHECK(percentile_sorted(v, 0.9) == std::llround(percentile(d, 90)));
  CHECK(hp::format_percent(hp::percent(1, 3)) == "33.3%");
  CHECK(hp::percent(5, 0) == 0);
}
