#pragma once
// KV-cache occupancy and reuse of a Session, per replica over time, on one 0..1 scale for every engine:
//   usage      vLLM vllm:kv_cache_usage_perc (or the older gpu_cache_usage_perc) per `engine`, SGLang
//              sglang:token_usage, TensorRT-LLM trtllm_kv_cache_utilization, or the server log's lines
//              (vLLM `GPU KV cache usage` per `Engine NNN`, SGLang Prefill/Decode `(full) token usage`,
//              TensorRT-LLM `kv_cache_util`), already fractions in the Session (see serving/log_run.h).
//              SGLang hybrid models have a second, sliding-window pool (`swa token usage`): pool "swa".
//   preemptions the times a preemption counter rose and by how much (summed over replicas).
//   prefix     hit/query counter increases per scrape or log line and replica (vLLM prefix_cache_*,
//              SGLang cached/prompt tokens, SGLang log #cached-token / #new-token); a rate over a bin is
//              Σhits/Σqueries across replicas, never an average of ratios. Without counters the engine's
//              own rolling rate (vLLM log `Prefix cache hit rate`) is kept as lines, marked as such.
//   residency  vllm:kv_block_{lifetime,idle_before_evict,reuse_gap}_seconds: per-bucket observations
//              between the first and last scrape of the window, summed over engines, with quantiles.
//   capacity   vllm:cache_config_info{num_gpu_blocks, block_size}, sglang:max_total_num_tokens, or the
//              log's KV size (meta kv_cache_tokens).
// Pure: reads the Session only.
#include <cstdint>
#include <string>
#include <vector>

#include "core/serving/metric_map.h"
#include "core/session/session.h"

namespace hp::kv {

struct UsageLine {
  std::string replica;        // the series' labels (`engine="0"`, `tp="0"`), "" for the only one
  std::string pool;           // "" (the only or full pool) or "swa"
  std::vector<Ns> ts;         // session time, sorted
  std::vector<double> usage;  // fraction 0..1 (a rolling hit rate for KvSeries::prefix_gauge)
};

struct CounterStep {
  Ns ts = 0;
  double hits = 0, queries = 0;  // increases in the interval ending at ts (one replica, reset-corrected)
};

struct Residency {
  std::string name;                  // "lifetime", "idle before evict", "reuse gap"
  std::string family;                // "vllm:kv_block_lifetime_seconds"
  std::vector<double> le;            // bucket upper bounds (s), the last +Inf
  std::vector<double> count;         // observations per bucket in the window (not cumulative)
  double total = 0;                  // Σ count
  double p50 = 0, p90 = 0, p99 = 0;  // seconds, linear inside the bucket
  bool p50_over = false, p90_over = false, p99_over = false;  // in the +Inf bucket: "> top bound"
};

struct Capacity {
  int64_t num_gpu_blocks = -1, block_size = -1;
  int64_t tokens = -1;  // blocks x block size, or the engine's token pool
  std::string source;   // "vllm:cache_config_info", "sglang:max_total_num_tokens", "log", ""
};

struct KvSeries {
  Ns t0 = 0, t1 = 1;                     // the window (session time)
  std::string engine;                    // Session meta "engine"
  std::string usage_source;              // "metrics", "prometheus", "log" or "" when there is no usage series
  std::vector<UsageLine> usage;          // the full/only pool first, then "swa"; replicas in label order
  std::vector<Ns> preemption_ts;         // counter rises, sorted
  std::vector<double> preemption_count;  // parallel: by how much
  double preemptions = -1;               // total in the window; -1 when no preemption series
  std::string prefix_method = "none";    // "counters", "cached/prompt counters", "engine rolling rate"
  std::vector<CounterStep> prefix_steps;       // every replica, sorted by ts
  double prefix_hits = 0, prefix_queries = 0;  // Σ over the window
  std::vector<UsageLine> prefix_gauge;         // "engine rolling rate": the engine's own hit rate per replica
  std::vector<Residency> residency;            // only histograms with observations in the window
  Capacity capacity;
  std::vector<Ns> queue_ts;  // waiting requests summed over replicas (step function), for the verdict
  std::vector<double> queue;
  std::vector<Ns> running_ts;  // running requests summed over replicas
  std::vector<double> running;
  std::vector<std::string> warnings;  // e.g. histogram buckets that go backwards
};

KvSeries kv_series(const Session& s, const serving::MetricMap* map, Ns begin = INT64_MIN, Ns end = INT64_MAX);

// Usage heatmap cells: rows = s.usage lines, `bins` equal columns over [t0, t1); a cell is the mean of
// the samples in it, NaN (missing) when it has none. Row-major.
std::vector<double> usage_grid(const KvSeries& s, Ns t0, Ns t1, int bins);

struct PrefixBin {
  double hits = 0, queries = 0;
  double rate() const;  // hits / queries, NaN when no queries
};
// Prefix-cache counter increases per bin over [t0, t1), summed across replicas.
std::vector<PrefixBin> prefix_bins(const KvSeries& s, Ns t0, Ns t1, int bins);

// Time-weighted mean of a step function over [first, last sample] and the seconds it spends > threshold.
double step_mean(const std::vector<Ns>& ts, const std::vector<double>& v);
double step_seconds_above(const std::vector<Ns>& ts, const std::vector<double>& v, double threshold);

}  // namespace hp::kv
