#include "core/serving/metric_math.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <string>

namespace hp::serving {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Samples with t0 <= ts <= t1 (samples are sorted by ts).
std::pair<size_t, size_t> in_window(const std::vector<Sample>& s, int64_t t0, int64_t t1) {
  auto b = std::lower_bound(s.begin(), s.end(), t0, [](const Sample& a, int64_t t) { return a.ts_ns < t; });
  auto e = std::upper_bound(b, s.end(), t1, [](int64_t t, const Sample& a) { return t < a.ts_ns; });
  return {static_cast<size_t>(b - s.begin()), static_cast<size_t>(e - s.begin())};
}

}  // namespace

double counter_increase(const std::vector<Sample>& samples, int64_t t0, int64_t t1, Extrapolation x) {
  auto [b, e] = in_window(samples, t0, t1);
  if (e - b < 2) return kNaN;
  double inc = samples[e - 1].value - samples[b].value;
  for (size_t i = b + 1; i < e; ++i)
    if (samples[i].value < samples[i - 1].value) inc += samples[i - 1].value;
  if (x == Extrapolation::None) return inc;
  // Prometheus extrapolatedRate (promql/functions.go), counter case, times in seconds.
  const double first_t = static_cast<double>(samples[b].ts_ns) * 1e-9;
  const double last_t = static_cast<double>(samples[e - 1].ts_ns) * 1e-9;
  double to_start = first_t - static_cast<double>(t0) * 1e-9;
  const double to_end = static_cast<double>(t1) * 1e-9 - last_t;
  const double sampled = last_t - first_t;
  if (sampled <= 0) return inc;
  const double avg_gap = sampled / static_cast<double>(e - b - 1);
  if (inc > 0 && samples[b].value >= 0) {
    const double to_zero = sampled * (samples[b].value / inc);
    if (to_zero < to_start) to_start = to_zero;
  }
  const double threshold = avg_gap * 1.1;
  double interval = sampled;
  interval += to_start < threshold ? to_start : avg_gap / 2;
  interval += to_end < threshold ? to_end : avg_gap / 2;
  return inc * (interval / sampled);
}

double counter_rate(const std::vector<Sample>& samples, int64_t t0, int64_t t1, Extrapolation x) {
  if (t1 <= t0) return kNaN;
  return counter_increase(samples, t0, t1, x) / (static_cast<double>(t1 - t0) * 1e-9);
}

int counter_resets(const std::vector<Sample>& samples, int64_t t0, int64_t t1) {
  auto [b, e] = in_window(samples, t0, t1);
  int n = 0;
  for (size_t i = b + 1; i < e; ++i) n += samples[i].value < samples[i - 1].value;
  return n;
}

double histogram_quantile(double q, std::vector<HistogramBucket> buckets) {
  if (std::isnan(q)) return kNaN;
  if (q < 0) return -kInf;
  if (q > 1) return kInf;
  std::sort(buckets.begin(), buckets.end(),
            [](const HistogramBucket& a, const HistogramBucket& b) { return a.le < b.le; });
  if (buckets.size() < 2 || !std::isinf(buckets.back().le) || buckets.back().le < 0) return kNaN;
  for (size_t i = 1; i < buckets.size(); ++i)
    buckets[i].count = std::max(buckets[i].count, buckets[i - 1].count);
  const double observations = buckets.back().count;
  if (!(observations > 0)) return kNaN;
  double rank = q * observations;
  size_t b = 0;
  while (b < buckets.size() - 1 && buckets[b].count < rank) ++b;
  if (b == buckets.size() - 1) return buckets[buckets.size() - 2].le;
  if (b == 0 && buckets[0].le <= 0) return buckets[0].le;
  double start = 0, end = buckets[b].le, count = buckets[b].count;
  if (b > 0) {
    start = buckets[b - 1].le;
    count -= buckets[b - 1].count;
    rank -= buckets[b - 1].count;
  }
  if (count <= 0) return end;
  return start + (end - start) * (rank / count);
}

bool parse_le(std::string_view text, double* le) {
  if (text == "+Inf" || text == "Inf" || text == "inf" || text == "+inf") {
    *le = kInf;
    return true;
  }
  std::string s(text);
  char* end = nullptr;
  double v = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size()) return false;
  *le = v;
  return true;
}

std::vector<HistogramBucket> histogram_window(const std::vector<MetricSeries>& series,
                                              std::string_view family, int64_t t0, int64_t t1) {
  const std::string bucket_name = std::string(family) + "_bucket";
  std::map<double, double> by_le;
  for (const auto& s : series) {
    if (s.key.name != bucket_name) continue;
    double le = 0;
    if (!parse_le(label_value(s.key.labels, "le"), &le)) continue;
    double inc = counter_increase(s.samples, t0, t1);
    if (std::isnan(inc)) continue;
    by_le[le] += inc;
  }
  std::vector<HistogramBucket> out;
  out.reserve(by_le.size());
  for (auto [le, c] : by_le) out.push_back({le, c});
  return out;
}

double histogram_window_quantile(double q, const std::vector<MetricSeries>& series, std::string_view family,
                                 int64_t t0, int64_t t1) {
  return histogram_quantile(q, histogram_window(series, family, t0, t1));
}

}  // namespace hp::serving
