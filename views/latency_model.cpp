#include "views/latency_model.h"

#include <algorithm>
#include <cmath>

namespace hp {
namespace {

std::optional<double> slo_of(const serving::Slo& slo, LatencyMetric m) {
  switch (m) {
    case LatencyMetric::Ttft:
      return slo.ttft_ms;
    case LatencyMetric::Tpot:
      return slo.tpot_ms;
    case LatencyMetric::Itl:
      return slo.itl_ms;
    case LatencyMetric::E2e:
      return slo.e2e_ms;
    default:
      return std::nullopt;
  }
}

LatencyChart histogram_chart(const ServerHistogram& h) {
  LatencyChart c;
  c.metric = h.metric;
  c.server_histogram = true;
  c.family = h.family;
  c.buckets = h.buckets;
  c.dist.n = static_cast<size_t>(h.count);
  c.dist.p50 = h.p50, c.dist.p90 = h.p90, c.dist.p99 = h.p99;
  double last_finite = 0;
  for (const auto& b : h.buckets)
    if (!std::isinf(b.le)) last_finite = b.le;
  c.dist.max = last_finite;  // the highest finite bound: the histogram knows no more
  c.x_max = std::max(1e-3, std::min(last_finite, std::max(h.p99 * 1.25, h.p50 * 2)));
  c.cdf.push_back({0, 0});  // linear inside each bucket, as histogram_quantile assumes
  for (const auto& b : h.buckets)
    if (!std::isinf(b.le) && b.le <= c.x_max) c.cdf.push_back({b.le, b.count / h.count});
  c.ticks = plot::ticks(0, c.x_max, 4, plot::Unit::Milliseconds);
  return c;
}

}  // namespace

LatencyView full_view(const LatencyChart& c) {
  return {0, c.x_max, c.hist, c.cdf, c.ticks, false};
}

LatencyView zoomed_view(const LatencyChart& c, double lo, double hi, int bins) {
  LatencyView v;
  v.lo = std::max(0.0, lo);
  v.hi = std::max(v.lo + 1e-6, hi);
  v.zoomed = true;
  v.ticks = plot::ticks(v.lo, v.hi, 4, plot::Unit::Milliseconds);
  if (c.server_histogram) {
    for (const auto& p : c.cdf)
      if (p.value >= v.lo && p.value <= v.hi) v.cdf.push_back(p);
    return v;
  }
  v.hist = plot::histogram_sorted(c.sorted, v.lo, v.hi, bins);
  v.cdf = plot::cdf_window(c.sorted, v.lo, v.hi);
  return v;
}

LatencyModel latency_model(const LatencySamples& samples, const std::vector<ServerHistogram>& server,
                           const serving::Slo& slo, int bins) {
  LatencyModel m;
  m.requests = samples.requests;
  m.failed = samples.failed;
  m.slo = slo;
  m.good = samples.good;
  m.goodput_req_s = samples.goodput_req_s;
  for (size_t k = 0; k < kLatencyMetrics; ++k) {
    const auto& v = samples.ms[k];
    if (v.empty()) continue;
    LatencyChart c;
    c.metric = static_cast<LatencyMetric>(k);
    c.dist = serving::distribution(v);
    c.x_max = std::max({c.dist.p99 * 1.25, c.dist.p50 * 2, 1e-3});
    c.x_max = std::min(c.x_max, std::max(c.dist.max, 1e-3));
    c.sorted = v;
    c.sorted.erase(std::remove_if(c.sorted.begin(), c.sorted.end(), [](double x) { return std::isnan(x); }),
                   c.sorted.end());
    std::sort(c.sorted.begin(), c.sorted.end());
    c.hist = plot::histogram_sorted(c.sorted, 0, c.x_max, bins);
    c.hist.nan = v.size() - c.sorted.size();
    c.cdf = plot::cdf_window(c.sorted, -INFINITY, INFINITY);
    c.ticks = plot::ticks(0, c.x_max, 4, plot::Unit::Milliseconds);
    m.charts.push_back(std::move(c));
  }
  for (const ServerHistogram& h : server) m.charts.push_back(histogram_chart(h));
  for (auto& c : m.charts) c.slo_ms = slo_of(slo, c.metric);
  if (m.charts.empty())
    m.note = !samples.requests ? "No measured requests in this session or range, and no server latency "
                                 "histograms (a trace alone, or a log without request lines)."
                               : "The requests carry no latency (no client times, and no server phase with "
                                 "both ends known).";
  return m;
}

}  // namespace hp
