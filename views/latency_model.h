#pragma once
// The Latency panel's model: for each latency metric with samples, its distribution (p50/p90/p99,
// the same Dist serve-report prints), a histogram over [0, axis max] and the CDF. Pure; drawn by
// latency_panel.h.
#include <string>
#include <vector>

#include "core/serving/latency_stats.h"
#include "core/session/request_latency.h"
#include "views/plot/axis.h"
#include "views/plot/bins.h"

namespace hp {

struct LatencyChart {
  LatencyMetric metric = LatencyMetric::Ttft;
  serving::Dist dist;
  double x_max = 1;  // axis end (ms): a little past p99, so one outlier does not squash the rest
  plot::Histogram hist;
  std::vector<plot::CdfPoint> cdf;
  std::vector<plot::Tick> ticks;
};

struct LatencyModel {
  std::vector<LatencyChart> charts;  // metrics with samples, in LatencyMetric order
  size_t requests = 0, failed = 0;
  std::string note;  // why there is nothing to show, or what is missing
};

LatencyModel latency_model(const LatencySamples& samples, int bins = 40);

}  // namespace hp
