#pragma once
// Data reductions every chart needs, pure and exact: histogram binning, the empirical CDF, and
// min/max decimation of a time series per pixel column (so a line of 10M samples draws as at most
// two points per column and no spike is lost).
#include <cstddef>
#include <cstdint>
#include <vector>

namespace hp::plot {

struct Histogram {
  double lo = 0, width = 1;     // bin i covers [lo + i*width, lo + (i+1)*width); the last one includes hi
  std::vector<uint64_t> count;  // per bin
  uint64_t below = 0, above = 0, nan = 0;  // values outside [lo, hi] and NaNs: counted, never dropped
};
// `bins` equal bins over [lo, hi]; bins >= 1 and hi > lo, else one bin holding every finite value.
Histogram histogram(const std::vector<double>& values, double lo, double hi, int bins);

struct CdfPoint {
  double value = 0, fraction = 0;  // fraction of the values <= value
};
// One point per distinct value of `values` (sorted copy), at most `max_points` (evenly by rank,
// always keeping the last).
std::vector<CdfPoint> cdf(std::vector<double> values, size_t max_points = 2048);

// The same two over sorted values (ascending, no NaN) restricted to [lo, hi], by binary search, not a
// pass over the values: what a zoomed chart rebins. The CDF's fractions are of all the values.
Histogram histogram_sorted(const std::vector<double>& sorted, double lo, double hi, int bins);
std::vector<CdfPoint> cdf_window(const std::vector<double>& sorted, double lo, double hi,
                                 size_t max_points = 2048);

struct Column {
  double min = 0, max = 0;  // over the samples whose x falls in this pixel column
  bool empty = true;
};
// Columns of width (x1 - x0) / columns over [x0, x1); xs sorted ascending, ys parallel to it.
std::vector<Column> decimate(const std::vector<int64_t>& xs, const std::vector<double>& ys, int64_t x0,
                             int64_t x1, int columns);

}  // namespace hp::plot
