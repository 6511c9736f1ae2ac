#include "core/serving/load_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/serving/latency_stats.h"
#include "core/serving/metric_math.h"
#include "core/serving/serving_data.h"

namespace hp::serving {

namespace {
constexpr int64_t kAllBegin = std::numeric_limits<int64_t>::min();
constexpr int64_t kAllEnd = std::numeric_limits<int64_t>::max();

// Increase over the run, summed over label sets; NaN when no set has two samples.
double total_increase(const std::vector<ConceptSeries>& parts) {
  double sum = 0;
  bool any = false;
  for (const auto& p : parts) {
    double inc = counter_increase(p.series->samples, kAllBegin, kAllEnd);
    if (std::isnan(inc)) continue;
    sum += inc * p.scale;
    any = true;
  }
  return any ? sum : std::numeric_limits<double>::quiet_NaN();
}
}  // namespace

GaugeStats gauge_stats(std::vector<Sample> series, bool from_log) {
  GaugeStats g;
  g.from_log = from_log;
  g.source = from_log ? "log" : "metrics";
  g.samples = series.size();
  if (series.empty()) return g;
  g.present = true;
  std::vector<double> values;
  values.reserve(series.size());
  double weighted = 0;
  for (size_t i = 0; i < series.size(); ++i) {
    values.push_back(series[i].value);
    if (i + 1 < series.size())
      weighted += series[i].value * static_cast<double>(series[i + 1].ts_ns - series[i].ts_ns);
  }
  const int64_t span = series.back().ts_ns - series.front().ts_ns;
  g.avg = span > 0 ? weighted / static_cast<double>(span) : series.front().value;
  g.peak = *std::max_element(values.begin(), values.end());
  g.p50 = percentile(values, 50);
  g.p99 = percentile(values, 99);
  g.series = std::move(series);
  return g;
}

double seconds_above(const std::vector<Sample>& series, double threshold) {
  int64_t ns = 0;
  for (size_t i = 0; i + 1 < series.size(); ++i)
    if (series[i].value > threshold) ns += series[i + 1].ts_ns - series[i].ts_ns;
  return static_cast<double>(ns) / 1e9;
}

LoadStats load_stats(const ServingData& data, const MetricMap* map) {
  LoadStats st;
  auto gauge = [&](const char* concept_name, Merge how) {
    auto parts = find_concept(data, concept_name, map);
    if (parts.empty()) return GaugeStats{};
    GaugeStats g = gauge_stats(merge_series(parts, how), parts.front().from_log);
    g.source = series_source(parts.front());
    return g;
  };
  st.batch = gauge("requests_running", Merge::Sum);
  st.queue = gauge("requests_waiting", Merge::Sum);
  st.kv = gauge("kv_cache_usage", Merge::Max);
  st.kv_seconds_above_90 = seconds_above(st.kv.series, 0.9);

  if (auto pre = find_concept(data, "preemptions", map); !pre.empty()) {
    double inc = total_increase(pre);
    // A single sample: nothing happened between scrapes we saw.
    st.preemptions = std::isnan(inc) ? 0 : inc;
    st.preemptions_from_log = pre.front().from_log;
    st.preemptions_source = series_source(pre.front());
  }

  auto hits = find_concept(data, "prefix_cache_hits", map);
  auto queries = find_concept(data, "prefix_cache_queries", map);
  if (!hits.empty() && !queries.empty()) {
    double h = total_increase(hits), q = total_increase(queries);
    if (!std::isnan(h) && !std::isnan(q)) {
      st.prefix = {"counters", q > 0 ? h / q : 0, h, q};
      return st;
    }
  }
  if (!hits.empty()) {  // SGLang: cached tokens over prompt tokens
    auto prompt = find_concept(data, "prompt_tokens", map);
    double h = total_increase(hits), q = prompt.empty() ? NAN : total_increase(prompt);
    if (!std::isnan(h) && !std::isnan(q)) {
      st.prefix = {"cached/prompt counters", q > 0 ? std::clamp(h / q, 0.0, 1.0) : 0, h, q};
      return st;
    }
  }
  if (auto rate = find_concept(data, "prefix_cache_hit_rate", map); !rate.empty()) {
    GaugeStats g = gauge_stats(merge_series(rate, Merge::Max));
    st.prefix = {"gauge mean", std::clamp(g.avg, 0.0, 1.0), 0, 0};
  }
  return st;
}

}  // namespace hp::serving
