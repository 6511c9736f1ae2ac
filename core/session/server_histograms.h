#pragma once
// Latency distributions from the server's own Prometheus histograms (vllm:time_to_first_token_seconds
// and the like, mapped by concept in assets/metric_map.json): bucket increases over a window of the
// session, summed across label sets (PromQL `sum by (le) (increase(...))`), with histogram_quantile
// percentiles. The Latency panel shows them when the session has no client-measured requests.
#include <string>
#include <vector>

#include "core/serving/metric_map.h"
#include "core/serving/prometheus_text.h"
#include "core/session/request_latency.h"

namespace hp {

struct ServerHistogram {
  LatencyMetric metric = LatencyMetric::Ttft;
  std::string family;  // the exposed family, e.g. "vllm:e2e_request_latency_seconds"
  std::vector<serving::HistogramBucket> buckets;  // cumulative increases, `le` in ms, the last +Inf
  double count = 0;                               // observations in the window
  double p50 = 0, p90 = 0, p99 = 0;               // ms
};

// Metrics with observations in [begin, end], in LatencyMetric order.
std::vector<ServerHistogram> server_histograms(const Session& s, const serving::MetricMap& map,
                                               Ns begin = INT64_MIN, Ns end = INT64_MAX);

}  // namespace hp
