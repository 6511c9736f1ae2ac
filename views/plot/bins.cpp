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

Histogram histogram_sorted(const std::vector<double>& sorted, double lo, double hi, int bins) {
  if (!(bins >= 1 && hi > lo && std::isfinite(lo) && std::isfinite(hi)))
    return histogram(sorted, lo, hi, bins);
  Histogram h;
  h.lo = lo;
  h.width = (hi - lo) / bins;
  h.count.assign(static_cast<size_t>(bins), 0);
  // Bin i holds the values whose (v - lo) / width floors to i, as histogram() computes it.
  auto first_in = [&](size_t i) {  // index of the first value of bin i (or past the values)
    return static_cast<size_t>(std::partition_point(sorted.begin(), sorted.end(),
                                                    [&](double v) {
                                                      return v < lo ||
                                                             (v - lo) / h.width < static_cast<double>(i);
                                                    }) -
                               sorted.begin());
  };
  const size_t begin = first_in(0);
  const auto end = static_cast<size_t>(std::upper_bound(sorted.begin(), sorted.end(), hi) - sorted.begin());
  h.below = begin;
  h.above = sorted.size() - end;
  size_t at = begin;
  for (size_t i = 0; i + 1 < h.count.size(); ++i) {
    const size_t next = std::min(end, std::max(at, first_in(i + 1)));
    h.count[i] = next - at;
    at = next;
  }
  h.count.back() = end - at;
  return h;
}

std::vector<CdfPoint> cdf_window(const std::vector<double>& sorted, double lo, double hi, size_t max_points) {
  std::vector<CdfPoint> out;
  const auto first = static_cast<size_t>(std::lower_bound(sorted.begin(), sorted.end(), lo) - sorted.begin());
  const auto last = static_cast<size_t>(std::upper_bound(sorted.begin(), sorted.end(), hi) - sorted.begin());
  if (first >= last) return out;
  const double n = static_cast<double>(sorted.size());
  auto point = [&](size_t i) {  // the share of values <= sorted[i]
    const auto le =
        std::upper_bound(sorted.begin() + static_cast<std::ptrdiff_t>(i), sorted.end(), sorted[i]);
    return CdfPoint{sorted[i], static_cast<double>(le - sorted.begin()) / n};
  };
  const size_t count = last - first, points = std::max<size_t>(2, max_points);
  for (size_t k = 0; k < std::min(count, points); ++k) {
    const size_t i = count <= points ? first + k : first + k * (count - 1) / (points - 1);
    CdfPoint p = point(i);
    if (out.empty() || p.value != out.back().value) out.push_back(p);
  }
  return out;
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
