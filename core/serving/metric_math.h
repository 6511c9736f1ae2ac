#pragma once
// PromQL-style arithmetic over stored metric samples: counter increase/rate with reset detection and
// histogram_quantile over a window of cumulative bucket series.
//
// Extrapolation: by default the increase is the reset-corrected difference between the first and the last
// sample inside [t0, t1] (no extrapolation). A serving run's scrapes bracket the run, so this is the exact
// count that happened between them, and it is what the reports use. Extrapolation::PromQL reproduces
// Prometheus' extrapolatedRate: the increase is stretched towards the window edges (by at most half the
// average scrape interval when the edge is farther than 1.1 intervals, never below zero for counters).
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/serving/metric_sample.h"
#include "core/serving/prometheus_text.h"

namespace hp::serving {

enum class Extrapolation : uint8_t { None, PromQL };

// Reset-corrected increase of a counter over the samples with t0 <= ts <= t1 (a drop in value is a reset:
// the new value counts from zero). NaN when fewer than two samples fall inside.
double counter_increase(const std::vector<Sample>& samples, int64_t t0, int64_t t1,
                        Extrapolation x = Extrapolation::None);
// increase / window length in seconds (t1 - t0). NaN as above or when t1 <= t0.
double counter_rate(const std::vector<Sample>& samples, int64_t t0, int64_t t1,
                    Extrapolation x = Extrapolation::None);
// Number of resets (value drops) among the samples inside [t0, t1].
int counter_resets(const std::vector<Sample>& samples, int64_t t0, int64_t t1);

// PromQL histogram_quantile over cumulative buckets (any order; sorted here). q < 0 -> -Inf, q > 1 -> +Inf.
// NaN when there is no +Inf bucket, fewer than two buckets, or no observations. Non-monotonic counts (scrape
// races) are clamped up like Prometheus does. The rank falls in the first bucket whose count reaches it and
// is interpolated linearly inside it (from 0 for the first bucket when its bound is positive); a rank in the
// +Inf bucket returns the highest finite bound.
double histogram_quantile(double q, std::vector<HistogramBucket> buckets);

// Buckets of the histogram family `family` (series named family + "_bucket" with an "le" label) as their
// increases over [t0, t1], summed across every other label set (PromQL `sum by (le) (increase(...))`).
std::vector<HistogramBucket> histogram_window(const std::vector<MetricSeries>& series,
                                              std::string_view family, int64_t t0, int64_t t1);
// histogram_quantile(q, histogram_window(...)).
double histogram_window_quantile(double q, const std::vector<MetricSeries>& series, std::string_view family,
                                 int64_t t0, int64_t t1);

// Parses an "le" label value: a decimal or "+Inf"/"Inf". False when it is neither.
bool parse_le(std::string_view text, double* le);

}  // namespace hp::serving
