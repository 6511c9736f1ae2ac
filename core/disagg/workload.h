#pragma once
// The request stream a what-if spec describes (seeded, so a spec always gives the same stream) and the
// step-cost model shared by the simulation and the analytic bounds.
#include <cstdint>
#include <vector>

#include "core/disagg/whatif_spec.h"

namespace hp::disagg {

struct SimRequest {
  double arrival_ms = 0;
  uint32_t prompt = 1, uncached = 1, output = 1;  // prompt_scale applied; uncached = prompt less prefix hits
};

// `n` requests; arrivals by gamma inter-arrival times (mean 1 / rate, the spec's cv). Lengths drawn
// from the samples (with replacement; prompt and output drawn together when both have the same count,
// which keeps a measured run's pairing) or from gamma(mean, cv).
std::vector<SimRequest> make_workload(const WhatIfSpec& s, size_t n, uint64_t seed);
// Lengths of one request from its prompt and output token counts (prompt_scale and prefix hits).
SimRequest shape_request(const WhatIfSpec& s, double prompt, double output);

inline double prefill_batch_ms(const WhatIfSpec& s, double tokens) {
  return tokens <= 0 ? 0
                     : s.prefill_ms.base + s.prefill_ms.per_token * tokens +
                           s.prefill_ms.per_token2 * tokens * tokens;
}
inline double decode_step_ms(const WhatIfSpec& s, double batch, double ctx_tokens) {
  return batch <= 0 ? 0
                    : s.decode_ms.base + s.decode_ms.per_seq * batch + s.decode_ms.per_ctx_token * ctx_tokens;
}
inline double kv_request_bytes(const WhatIfSpec& s, double uncached_tokens) {
  return s.kv.bytes_per_token * uncached_tokens + s.kv.fixed_bytes_per_request;
}
inline double link_bytes_per_ms(const WhatIfSpec& s) {
  return s.kv.bandwidth_GBps * 1e6;
}

}  // namespace hp::disagg
