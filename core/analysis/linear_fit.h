#pragma once
// Ordinary least squares y = intercept + slope * x with R²: the cost curves of the Prefill/decode
// panel and serve-report (prefill time against tokens, decode step time against batch size), which the
// disaggregation advisor takes as its step-cost model.
#include <cstddef>
#include <vector>

namespace hp {

struct LinearFit {
  size_t n = 0;
  double intercept = 0, slope = 0;
  double r2 = 0;  // 1 - SS_res / SS_tot; 1 when every y is equal and fitted exactly
  bool valid() const { return n >= 2; }
};

// Fewer than two points, or a single x value, give n = 0 (not valid).
LinearFit fit_line(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace hp
