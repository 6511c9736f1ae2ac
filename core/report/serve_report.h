#pragma once
// `hotpath serve-report`: one summary of a serving run, as text (fits 100 columns), Markdown, or JSON.
// JSON keys: engine, model, requests{total, ok, failed, warmup}, duration_s,
//   latency_ms{ttft, tpot, itl, e2e, queue, prefill, decode} each {n, mean, p50, p90, p99, max},
//   throughput{req_s, input_tok_s, output_tok_s}, goodput{slo, good, req_s},
//   metrics{<canonical name>: {avg, peak, samples, source}} (gauges and log series; avg time-weighted,
//     iteration.* averaged per iteration), counters{<name>: {increase, rate_s, samples, source}},
//   histograms{<name>: {count, p50, p90, p99, source}} (server histograms over the run, PromQL-style);
//   source is "metrics" (the run's own /metrics scrape), "prometheus" (read from a Prometheus server,
//   serve-profile --prometheus) or "log"; series_sources{metrics, prometheus, log} counts the stored
//   series, prometheus_url names the fleet's server,
//   load{batch{avg, p50, p99, peak}, queue{...}, preemptions}, kv{avg, peak, seconds_above_90, source},
//   prefix{cache_hit_rate, hit_method, sharing{method, approximate, prompts, prompt_tokens, shared_tokens,
//     shared_fraction, top[]}}, workload_class{label, phase, long_context, arrivals, ...},
//   correlation{method, matched, by_id, by_time, clock_offset_ms, uncertainty_ms},
//   phases{...} (core/report/phase_split_json.h: engine iterations by kind, prefill/decode cost fits),
//   measurement{source, driver, persistence, clock_policy, clocks_locked, note, gpus[{gpu, host, uuid, name,
//     sm_clock_mhz, mem_clock_mhz, temp_c, power_w, util_pct each {min, avg, max, samples},
//     throttle{samples, locked, power_capped, thermal_slowdown}}]},
//   rollouts{n, mode, note, groups[{group, requests, ok, partial, to_last_ms, spread_ms,
//     output_tokens{n, mean, p50, p90, p99, max}, request_ids}], to_last_ms, spread_ms, run_s,
//     straggler{seconds, share, few_threshold, source}} (null unless the run used --rollouts),
//   server_phases{received, queued, scheduled, first_token, finished (requests with that server time),
//     note (why queue/prefill/decode are empty, null when they are not)}.
// Missing values are null.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/serving/gpu_context.h"
#include "core/serving/latency_stats.h"
#include "core/serving/load_stats.h"
#include "core/serving/metric_map.h"
#include "core/serving/prefix_sharing.h"
#include "core/serving/rollouts.h"
#include "core/serving/workload_class.h"
#include "core/session/phase_split.h"
#include "core/store/serving_store.h"

namespace hp {

struct ServeReportOptions {
  serving::Slo slo;
  const serving::PrefixInput* prefix = nullptr;  // prompts to analyse (e.g. from --traffic), optional
};

struct MetricSummary {
  std::string name;  // canonical concept, or the stored name when unmapped
  std::string kind;  // gauge | counter | histogram
  double avg = 0, peak = 0;
  size_t samples = 0;
  bool from_log = false;
  std::string source = "metrics";    // "metrics" (the run's scrape), "prometheus" (fleet read) or "log"
  double increase = 0, rate_s = 0;   // counters
  double p50 = 0, p90 = 0, p99 = 0;  // histograms (seconds or the family's unit)
  double count = 0;                  // histogram observations over the run
};

struct ServeReport {
  std::string engine, model;
  serving::LatencyStats latency;
  serving::Slo slo;
  serving::LoadStats load;
  std::optional<serving::PrefixSharing> sharing;
  serving::WorkloadClass workload;
  std::string correlation_method = "none";
  size_t by_id = 0, by_time = 0;
  int64_t clock_offset_ns = 0, offset_uncertainty_ns = 0;
  std::vector<MetricSummary> metrics;              // sorted by name
  std::map<std::string, size_t> series_by_source;  // stored series: "metrics", "prometheus", "log"
  // Server-side times the correlated requests carry (measured requests), and why a server phase
  // (queue, prefill, decode) is empty when one is; "" when all three have values.
  size_t srv_received = 0, srv_queued = 0, srv_scheduled = 0, srv_first_token = 0, srv_finished = 0;
  std::string phases_note;
  PhaseSplit phases;              // engine iterations of the server log (the Prefill/decode panel's function)
  std::string prometheus_url;     // meta prometheus.url of a fleet-mode run
  std::string requests_from_log;  // meta requests.from_log: the requests were rebuilt from a server log
  serving::MeasurementContext measurement;        // driver, clock policy, per-GPU clocks over the run
  std::optional<serving::RolloutStats> rollouts;  // serve-profile --rollouts N runs (meta rollouts.n)
  std::string rollouts_note;                      // how the groups were sent (meta rollouts.note)
  std::string rollouts_mode;                      // "n" (the API's n) | "requests" (meta rollouts.mode)
};

ServeReport build_serve_report(const ServingData& data, const serving::MetricMap* map,
                               const ServeReportOptions& opt = {});
nlohmann::json serve_report_json(const ServeReport& r);
std::string serve_report_text(const ServeReport& r);
std::string serve_report_md(const ServeReport& r);

}  // namespace hp
