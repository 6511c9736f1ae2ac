#pragma once
// The Latency panel's model: for each latency metric with samples, its distribution (p50/p90/p99,
// the same Dist serve-report prints), a histogram over [0, axis max] and the CDF. Pure; drawn by
// latency_panel.h.
#include <optional>
#include <string>
#include <vector>

#include "core/serving/latency_stats.h"
#include "core/session/request_latency.h"
#include "core/session/server_histograms.h"
#include "views/plot/axis.h"
#include "views/plot/bins.h"

namespace hp {

struct LatencyChart {
  LatencyMetric metric = LatencyMetric::Ttft;
  bool server_histogram = false;  // from the server's Prometheus histogram, not per-request samples
  std::string family;             // that histogram's family
  std::vector<serving::HistogramBucket> buckets;  // its cumulative buckets (ms); hist is empty then
  std::optional<double> slo_ms;                   // the SLO target of this metric, if any
  serving::Dist dist;
  double x_max = 1;  // axis end (ms): a little past p99, so one outlier does not squash the rest
  plot::Histogram hist;
  std::vector<plot::CdfPoint> cdf;
  std::vector<plot::Tick> ticks;
  std::vector<double> sorted;  // the samples, ascending (not for server histograms): a zoom rebins them
};

// What a chart draws over [lo, hi] ms: the model's own at [0, x_max], else rebinned from the samples (or
// the server histogram's bucket CDF, clipped).
struct LatencyView {
  double lo = 0, hi = 1;
  plot::Histogram hist;
  std::vector<plot::CdfPoint> cdf;
  std::vector<plot::Tick> ticks;
  bool zoomed = false;
};
LatencyView full_view(const LatencyChart& c);
LatencyView zoomed_view(const LatencyChart& c, double lo, double hi, int bins = 40);

struct LatencyModel {
  std::vector<LatencyChart> charts;  // metrics with samples in LatencyMetric order, then server histograms
  size_t requests = 0, failed = 0;
  serving::Slo slo;
  size_t good = 0;  // ok requests meeting every SLO target
  double goodput_req_s = 0;
  std::string note;  // why there is nothing to show, or what is missing
};

// Charts of the samples, then one per server histogram (labelled as such; the only ones when the
// session has no measured requests). The SLO marks its targets and gives the goodput.
LatencyModel latency_model(const LatencySamples& samples, const std::vector<ServerHistogram>& server = {},
                           const serving::Slo& slo = {}, int bins = 40);

}  // namespace hp
