#include "core/analysis/linear_fit.h"

#include <catch2/catch.hpp>

using namespace hp;

TEST_CASE("linear fit: least squares with R², by hand", "[linear_fit]") {
  LinearFit exact = fit_line({0, 1, 2, 3}, {2, 5, 8, 11});  // y = 2 + 3x
  CHECK(exact.n == 4);
  CHECK(exact.intercept == Approx(2));
  CHECK(exact.slope == Approx(3));
  CHECK(exact.r2 == Approx(1));
  // x = 1..4, y = 2, 4, 5, 4: Sxx 5, Sxy 3.5 -> slope 0.7, intercept 2; SSres 2.3 of SStot 4.75.
  LinearFit f = fit_line({1, 2, 3, 4}, {2, 4, 5, 4});
  CHECK(f.slope == Approx(0.7));
  CHECK(f.intercept == Approx(2.0));
  CHECK(f.r2 == Approx(1 - 2.3 / 4.75));
  CHECK_FALSE(fit_line({1}, {1}).valid());
  CHECK_FALSE(fit_line({3, 3, 3}, {1, 2, 3}).valid());  // one x value: no slope
  CHECK(fit_line({1, 2}, {4, 4}).r2 == Approx(1));      // flat and exact
}
