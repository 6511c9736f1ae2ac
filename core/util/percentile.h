#pragma once
// The one percentile and the one percentage of hotpath, so that every report, panel and CLI line
// agrees: numpy.percentile's default (linear interpolation between the two closest ranks of sorted
// data, as `vllm bench serve` reports), q in [0, 1].
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace hp {

double percentile_sorted(std::span<const double> sorted, double q);  // NaN when empty
// Times: the interpolated value rounded to the nearest ns; 0 when empty.
int64_t percentile_sorted(std::span<const int64_t> sorted, double q);
// Sorts v, then percentile_sorted(v, p / 100): p in [0, 100].
double percentile(std::vector<double>& v, double p);

// 100 * part / whole; 0 when whole <= 0.
double percent(int64_t part, int64_t whole);
// "12.3%" (one decimal), the spelling every report uses.
std::string format_percent(double pct);

}  // namespace hp
