#pragma once
// Server load over a run from scraped metrics or log-derived series: batch size (running requests) and
// queue depth over time, preemptions, KV-cache usage and the prefix-cache hit rate.
//
// Gauges are step functions: a sample holds until the next one, so averages are time-weighted over
// [first, last sample] (the last sample has no duration; a single sample is its own average).
// Series of several label sets (engines, ranks) are merged: running/waiting summed, KV usage the max.
// KV usage is a fraction 0..1 in every source (metric_map scale applied; logs' percentages divided by 100).
// Prefix hit rate: Δhits/Δqueries of the prefix-cache counters over the run (vLLM: tokens); else SGLang's
// Δcached_tokens/Δprompt_tokens; else the time-weighted mean of a hit-rate gauge (vLLM V0, TRT-LLM, logs),
// which is a rolling rate and marked so in `method`.
#include <cstdint>
#include <string>
#include <vector>

#include "core/serving/concept_series.h"
#include "core/serving/metric_map.h"

namespace hp {
struct ServingData;
}

namespace hp::serving {

struct GaugeStats {
  bool present = false;
  bool from_log = false;
  std::string source = "metrics";  // "metrics" (the run's scrape), "prometheus" or "log"
  size_t samples = 0;
  double avg = 0, peak = 0, p50 = 0, p99 = 0;  // avg time-weighted; p50/p99 over sample values
  std::vector<Sample> series;                  // the merged series, in the concept's unit
};
GaugeStats gauge_stats(std::vector<Sample> series, bool from_log = false);
// Seconds the step function spends strictly above `threshold`.
double seconds_above(const std::vector<Sample>& series, double threshold);

struct PrefixHit {
  std::string method = "none";   // "counters", "cached/prompt counters", "gauge mean", "none"
  double hit_rate = 0;           // 0..1
  double hits = 0, queries = 0;  // counter deltas when method is a counter method
};

struct LoadStats {
  GaugeStats batch;         // requests_running
  GaugeStats queue;         // requests_waiting
  double preemptions = -1;  // counter increase over the run; -1 when no series
  bool preemptions_from_log = false;
  std::string preemptions_source;  // as GaugeStats::source
  GaugeStats kv;                   // kv_cache_usage, fraction
  double kv_seconds_above_90 = 0;
  PrefixHit prefix;
};

LoadStats load_stats(const ServingData& data, const MetricMap* map);

}  // namespace hp::serving
