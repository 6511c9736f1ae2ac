#include "views/plot/bins.h"

#include <algorithm>
#include <cmath>

namespace hp::plot {

Histogram histogram(const std::vector<double>& values, double lo, double hi, int bins) {
  Histogram h;
  const bool ok = bins >= 1 && hi > lo && std::isfinite(lo) && std::isfinite(hi);
  h.lo = ok ? lo : 0;
  h.width = ok ? (hi - lo) / bins : 1;
  h.count.assign(ok ? static_cast<size_t>(bins) : 1, 0);
  for (double v : values) {
    if (std::isnan(v)) {
      ++h.nan;
    } else if (!ok) {
      ++h.count[0];
    } else if (v < lo) {
      ++h.below;
    } else if (v > hi) {
      ++h.above;
    } else {
      const auto i = static_cast<size_t>((v - lo) / h.width);
      ++h.count[std::min(i, h.count.size() - 1)];
    }
  }
  return h;
}

std::vector<CdfPoint> cdf(std::vector<double> values, size_t max_points) {
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return std::isnan(v); }),
               values.end());
  std::sort(values.begin(), values.end());
  std::vector<CdfPoint> all;
  const double n = static_cast<double>(values.size());
  for (size_t i = 0; i < values.size(); ++i)
    if (i + 1 == values.size() || values[i + 1] != values[i])
      all.push_back({values[i], static_cast<double>(i + 1) / n});
  if (max_points < 2 || all.size() <= max_points) return all;
  std::vector<CdfPoint> out;
  for (size_t k = 0; k < max_points; ++k) out.push_back(all[k * (all.size() - 1) / (max_points - 1)]);
  return out;
}

std::vector<Column> decimate(const std::vector<int64_t>& xs, const std::vector<double>& ys, int64_t x0,
                             int64_t x1, int columns) {
  std::vector<Column> out(columns > 0 ? static_cast<size_t>(columns) : 0);
  if (out.empty() || x1 <= x0) return out;
  const double per = static_cast<double>(x1 - x0) / columns;
  auto it = std::lower_bound(xs.begin(), xs.end(), x0);
  for (size_t i = static_cast<size_t>(it - xs.begin()); i < xs.size() && xs[i] < x1; ++i) {
    if (std::isnan(ys[i])) continue;
    auto c = static_cast<size_t>(static_cast<double>(xs[i] - x0) / per);
    Column& col = out[std::min(c, out.size() - 1)];
    if (col.empty) col = {ys[i], ys[i], false};
    col.min = std::min(col.min, ys[i]);
    col.max = std::max(col.max, ys[i]);
  }
  return out;
}

}  // namespace hp::plot
