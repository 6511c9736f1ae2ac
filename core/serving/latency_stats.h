#pragma once
// Request latency percentiles, throughput and goodput over the measured (non-warm-up) requests of a run.
// Client metrics follow `vllm bench serve` (see request_record.h); server phases come from ServerSide:
// queue = scheduled - queued, prefill = first token - scheduled, decode = finished - first token (server
// clock, only where both ends are known). Percentiles are numpy's default (linear between closest ranks).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/serving/request_record.h"
#include "core/util/percentile.h"

namespace hp::serving {

struct Dist {
  size_t n = 0;
  double mean = 0, p50 = 0, p90 = 0, p99 = 0, max = 0;  // NaN when n == 0
};
Dist distribution(std::vector<double> v);

// `--slo ttft=200,tpot=50,e2e=2s`: milliseconds unless the value ends in "ms" or "s". Keys: ttft, tpot,
// itl (every gap of the request), e2e (alias e2el). A request is good when it succeeded and meets every
// given bound (TPOT of a request with at most one output token counts as 0, like vLLM's goodput).
struct Slo {
  std::optional<double> ttft_ms, tpot_ms, itl_ms, e2e_ms;
  bool empty() const { return !ttft_ms && !tpot_ms && !itl_ms && !e2e_ms; }
};
// Throws std::invalid_argument naming the bad item.
Slo parse_slo(std::string_view text);
std::string format_slo(const Slo& slo);

struct LatencyStats {
  size_t total = 0, ok = 0, failed = 0, warmup = 0, probes = 0;  // total excludes warm-up and probes
  Dist ttft_ms, tpot_ms, itl_ms, e2e_ms;                         // client side, successful requests
  Dist queue_ms, prefill_ms, decode_ms;                          // server side where known
  int64_t window_begin_ns = 0, window_end_ns = 0;  // first send .. last end of the measured requests
  double duration_s = 0;
  double req_s = 0, input_tok_s = 0, output_tok_s = 0;  // successful requests / duration
  uint64_t input_tokens = 0, output_tokens = 0;
  size_t good = 0;  // requests meeting the SLO (0 when none given)
  double goodput_req_s = 0;
};

LatencyStats latency_stats(const std::vector<RequestRecord>& requests, const Slo& slo = {});

}  // namespace hp::serving
