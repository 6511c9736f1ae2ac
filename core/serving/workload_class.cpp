#include "core/serving/workload_class.h"

#include <algorithm>
#include <cmath>

#include "core/serving/latency_stats.h"

namespace hp::serving {

WorkloadInput workload_input(const std::vector<RequestRecord>& requests) {
  WorkloadInput in;
  for (const auto& r : requests) {
    if (r.warmup || !r.purpose.empty() || r.status != RequestStatus::Ok) continue;
    in.input_tokens.push_back(r.prompt_tokens);
    in.output_tokens.push_back(r.output_tokens);
    if (r.sent_ns) in.arrivals_ns.push_back(r.sent_ns);
  }
  return in;
}

std::string WorkloadClass::label() const {
  std::string s = phase;
  if (long_context) s += ", long-context";
  if (arrivals != "unknown") s += ", " + arrivals + " arrivals";
  return s;
}

WorkloadClass classify_workload(const WorkloadInput& in) {
  WorkloadClass c;
  if (!in.input_tokens.empty() && !in.output_tokens.empty()) {
    auto ins = in.input_tokens, outs = in.output_tokens;
    c.median_input = percentile(ins, 50);
    c.p90_input = percentile(ins, 90);
    c.median_output = percentile(outs, 50);
    if (c.median_input == 0 && c.median_output == 0) {
      // token counts unknown (requests rebuilt from a server log): the phase stays unknown
    } else if (c.median_input >= 4 * c.median_output)
      c.phase = "prefill-heavy";
    else if (c.median_output >= 2 * c.median_input)
      c.phase = "decode-heavy";
    else
      c.phase = "balanced";
    c.long_context = c.p90_input >= 8192;
  }
  if (in.arrivals_ns.size() >= 10) {
    auto t = in.arrivals_ns;
    std::sort(t.begin(), t.end());
    std::vector<double> gaps;
    for (size_t i = 1; i < t.size(); ++i) gaps.push_back(static_cast<double>(t[i] - t[i - 1]));
    double mean = 0;
    for (double g : gaps) mean += g;
    mean /= static_cast<double>(gaps.size());
    if (mean <= 0) {
      c.arrivals = "simultaneous";
    } else {
      double var = 0;
      for (double g : gaps) var += (g - mean) * (g - mean);
      var /= static_cast<double>(gaps.size());
      c.arrival_cv = std::sqrt(var) / mean;
      c.arrivals = c.arrival_cv > 1.5 ? "bursty" : c.arrival_cv >= 0.5 ? "poisson-like" : "regular";
    }
  }
  return c;
}

}  // namespace hp::serving
