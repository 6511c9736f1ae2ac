#pragma once
// Discrete-event simulation of a what-if spec's request stream on one layout (seeded: the same spec
// gives the same result).
//   - Monolithic: `decode` engine instances share one FIFO queue; each step carries every running
//     sequence's next token plus prefill chunks of admitted requests within prefill_max_batch_tokens
//     (chunked prefill mixed into decode, as vLLM's scheduler does); a request's first token comes at the
//     end of the step that finishes its prefill.
//   - P:D split: the prefill pool's FIFO queue feeds `prefill` instances, each running batches of
//     whole requests up to prefill_max_batch_tokens; each finished request's KV moves over its prefill
//     instance's one link (setup_ms, then its bytes at the link's bandwidth shared equally by the
//     transfers in flight); the decode pool routes it to the least loaded decode instance, which admits
//     it at its next step when the batch and KV capacity allow (FIFO), and runs all of its output tokens.
// Admission reserves prompt + output tokens of KV. Cached (prefix-hit) tokens cost neither prefill time
// nor transfer bytes, but hold KV.
#include <cstddef>

#include "core/disagg/layout.h"
#include "core/disagg/whatif_spec.h"

namespace hp::disagg {

struct SimResult {
  Layout layout;
  size_t requests = 0;
  double makespan_s = 0;      // first arrival to last completion
  double throughput_rps = 0;  // requests / makespan
  double output_tok_s = 0;
  Percentiles ttft_ms, itl_ms, e2e_ms;                      // ITL over every gap between tokens
  Percentiles kv_transfer_ms;                               // split only: transfer done - prefill done
  Percentiles prefill_wait_ms;                              // arrival to prefill start
  double util_prefill = 0, util_decode = 0, util_link = 0;  // busy fractions of the makespan
  double mean_decode_batch = 0;                             // time-weighted, per busy decode instance
  double slo_met = 1;           // share of requests within the SLO (1 without one)
  double goodput_rps = 0;       // throughput x slo_met
  double kv_blocked_share = 0;  // of decode admissions that had to wait for KV capacity
};

// `requests` overrides spec.requests when non-zero; `rate_rps` overrides the arrival rate when > 0.
SimResult simulate(const WhatIfSpec& spec, Layout layout, size_t requests = 0, double rate_rps = 0,
                   const Slo& slo = {});

}  // namespace hp::disagg
