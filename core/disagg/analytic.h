#pragma once
// The advisor's fast path (the what-if panel's slider): capacity bounds of the prefill pool, the decode
// pool (batch limited by decode_max_batch or by KV capacity), the transfer links and the monolithic
// engine, and latency estimates below saturation: M/G/n waiting for the prefill queue (Erlang C with the
// Allen-Cunneen correction, exactly Pollaczek-Khinchine for one instance), decode step time at the
// steady batch from Little's law. Means are the model; p99s are rough tails (exponential waiting tail,
// 99th-percentile prompt) for the charts; the simulation gives the real percentiles.
#include <vector>

#include "core/disagg/layout.h"
#include "core/disagg/whatif_spec.h"

namespace hp::disagg {

// A few hundred representative requests (the spec's samples, or quantiles of its gamma) and their
// moments, computed once per spec so that a slider move costs microseconds.
struct WorkloadSketch {
  std::vector<double> prompt, uncached, output;  // per representative request, prompt_scale applied
  double mean_prompt = 0, mean_uncached = 0, mean_output = 0;
  double p99_uncached = 0;
  double mean_prefill_ms = 0, second_prefill_ms = 0, p99_prefill_ms = 0;  // one request alone
  double mean_kv_bytes = 0, p99_kv_bytes = 0;
};
WorkloadSketch sketch(const WhatIfSpec& s);

struct Bounds {
  double prefill_rps = 0, decode_rps = 0, link_rps = 0;  // split pools; 0 when absent
  double engine_rps = 0;                                 // monolithic
  double max_rate_rps = 0;
  Bottleneck bottleneck = Bottleneck::Engine;
  double decode_batch = 0;  // the batch a decode instance reaches (max batch or KV-limited)
};

struct AnalyticPoint {
  Layout layout;
  Bounds bounds;
  double rate_rps = 0, throughput_rps = 0;  // min(rate, max rate)
  bool saturated = false;
  Percentiles ttft_ms, itl_ms, e2e_ms;  // means, and p99 approximations (p50 = p90 = mean)
  double kv_transfer_ms = 0;            // mean
  double prefill_wait_ms = 0;           // mean queueing before prefill
};

Bounds bounds(const WhatIfSpec& s, const WorkloadSketch& w, Layout l);
AnalyticPoint analytic(const WhatIfSpec& s, const WorkloadSketch& w, Layout l, double rate_rps);

// Mean waiting time in an M/G/n queue (Erlang C x (1 + cs^2) / 2); infinity at or above saturation.
double mgn_wait_ms(int n, double rate_per_ms, double mean_service_ms, double second_moment_ms2);
// Erlang C: probability of waiting in an M/M/n queue with offered load a = rate x mean service.
double erlang_c(int n, double a);

}  // namespace hp::disagg
