#include "core/util/percentile.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace hp {

double percentile_sorted(std::span<const double> v, double q) {
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double idx = std::clamp(q, 0.0, 1.0) * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(idx));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (v[hi] - v[lo]) * (idx - static_cast<double>(lo));
}

int64_t percentile_sorted(std::span<const int64_t> v, double q) {
  if (v.empty()) return 0;
  const double idx = std::clamp(q, 0.0, 1.0) * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(idx));
  const size_t hi = std::min(lo + 1, v.size() - 1);
  const double frac = idx - static_cast<double>(lo);
  return v[lo] + static_cast<int64_t>(std::llround(static_cast<double>(v[hi] - v[lo]) * frac));
}

double percentile(std::vector<double>& v, double p) {
  std::sort(v.begin(), v.end());
  return percentile_sorted(std::span<const double>(v), p / 100.0);
}

double percent(int64_t part, int64_t whole) {
  return whole > 0 ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

std::string format_percent(double pct) {
  return fmt::format("{:.1f}%", pct);
}

}  // namespace hp
