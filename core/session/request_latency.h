#pragma once
// Request latency samples of a Session, by the definitions of serve-report (core/serving/
// latency_stats.h): client TTFT, TPOT, ITL and E2E of successful requests; server queue, prefill and
// decode where both ends are known. Warm-up and probe requests are left out. The Latency panel draws
// these and serve-report's percentiles come out of the same Dist (a test checks that they agree).
#include <array>
#include <vector>

#include "core/serving/latency_stats.h"
#include "core/session/session.h"

namespace hp {

enum class LatencyMetric { Ttft, Tpot, Itl, E2e, Queue, Prefill, Decode };
inline constexpr size_t kLatencyMetrics = 7;
const char* to_string(LatencyMetric m);  // "TTFT", ..., "Decode (server)"

struct LatencySamples {
  std::array<std::vector<double>, kLatencyMetrics> ms;  // per metric, milliseconds
  size_t requests = 0, failed = 0;                      // measured requests that started in the window
  // Goodput under the SLO given (serve-report's rules): ok requests meeting every target, per second of
  // the measured window (first send .. last end; server times for requests rebuilt from a log).
  size_t good = 0;
  double duration_s = 0, goodput_req_s = 0;
  const std::vector<double>& of(LatencyMetric m) const { return ms[static_cast<size_t>(m)]; }
};

// Requests whose start (RequestTable::start_of) is in [begin, end).
LatencySamples latency_samples(const Session& s, Ns begin = INT64_MIN, Ns end = INT64_MAX,
                               const serving::Slo& slo = {});

}  // namespace hp
