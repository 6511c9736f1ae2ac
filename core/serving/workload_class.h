#pragma once
// Workload classification from token lengths and arrivals. Thresholds (fixed, documented):
//   phase:  prefill-heavy when median input >= 4 x median output; decode-heavy when median output >=
//           2 x median input (a decode token costs far more than a prefill token); balanced otherwise.
//   long-context: p90 input >= 8192 tokens.
//   arrivals (>= 10 requests): coefficient of variation of the inter-arrival gaps (population std / mean):
//           CV > 1.5 bursty, 0.5..1.5 poisson-like (Poisson: 1), CV < 0.5 regular; all sent at once:
//           simultaneous; fewer than 10 requests: unknown.
#include <cstdint>
#include <string>
#include <vector>

#include "core/serving/request_record.h"

namespace hp::serving {

struct WorkloadInput {
  std::vector<double> input_tokens, output_tokens;
  std::vector<int64_t> arrivals_ns;  // any order
};
// Measured (non-warm-up) successful requests; arrivals are send times.
WorkloadInput workload_input(const std::vector<RequestRecord>& requests);

struct WorkloadClass {
  std::string phase = "unknown";  // prefill-heavy | decode-heavy | balanced | unknown
  bool long_context = false;
  std::string arrivals = "unknown";  // bursty | poisson-like | regular | simultaneous | unknown
  double median_input = 0, median_output = 0, p90_input = 0;
  double arrival_cv = -1;     // -1 when not computed
  std::string label() const;  // "prefill-heavy, long-context, bursty"
};

WorkloadClass classify_workload(const WorkloadInput& in);

}  // namespace hp::serving
