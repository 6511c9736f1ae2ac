#include "views/latency_model.h"

#include <algorithm>
#include <cmath>

namespace hp {

LatencyModel latency_model(const LatencySamples& samples, int bins) {
  LatencyModel m;
  m.requests = samples.requests;
  m.failed = samples.failed;
  for (size_t k = 0; k < kLatencyMetrics; ++k) {
    const auto& v = samples.ms[k];
    if (v.empty()) continue;
    LatencyChart c;
    c.metric = static_cast<LatencyMetric>(k);
    c.dist = serving::distribution(v);
    c.x_max = std::max({c.dist.p99 * 1.25, c.dist.p50 * 2, 1e-3});
    c.x_max = std::min(c.x_max, std::max(c.dist.max, 1e-3));
    c.hist = plot::histogram(v, 0, c.x_max, bins);
    c.cdf = plot::cdf(v);
    c.ticks = plot::ticks(0, c.x_max, 4, plot::Unit::Milliseconds);
    m.charts.push_back(std::move(c));
  }
  if (!samples.requests)
    m.note = "No measured requests in this session or range (a trace alone, or a log without request lines).";
  else if (m.charts.empty())
    m.note = "The requests carry no latency (no client times, and no server phase with both ends known).";
  return m;
}

}  // namespace hp
