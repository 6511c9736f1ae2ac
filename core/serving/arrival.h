#pragma once
// Arrival schedules for traffic replay. Deterministic for a seed on every platform: the random variates are
// computed here from std::mt19937_64's raw output (exponential by inversion, gamma by Marsaglia-Tsang with a
// Box-Muller normal) instead of std::*_distribution, whose algorithms differ between standard libraries.
//
// Open-loop gamma arrivals follow `vllm bench serve`: inter-arrival ~ Gamma(shape = burstiness,
// scale = 1 / (rate * burstiness)), so the mean is 1/rate; burstiness 1 is Poisson. Unlike vLLM we do not
// rescale the cumulative delays to span exactly N/rate. The first request is sent at offset 0.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace hp::serving {

enum class ArrivalKind : uint8_t { ClosedLoop, Poisson, Gamma, Trace };

struct ArrivalOptions {
  ArrivalKind kind = ArrivalKind::ClosedLoop;
  double rate = std::numeric_limits<double>::infinity();  // requests/s; inf sends everything at offset 0
  double burstiness = 1.0;                                // Gamma shape
  double time_scale = 1.0;    // Trace: offsets are multiplied by this (0.5 replays twice as fast)
  int concurrency = 0;        // max in-flight requests (0 = unbounded); the only limit for ClosedLoop
  double duration_s = 0;      // > 0: drop arrivals scheduled later than this
  int64_t num_requests = -1;  // -1: one per traffic request; more cycles through the traffic
  int64_t warmup = 0;         // extra leading requests, sent before offset 0 and excluded from statistics
  uint64_t seed = 0;
};

struct ScheduledRequest {
  size_t traffic_index = 0;  // into the traffic's request list
  int64_t send_offset_ns =
      0;  // from the start of the measured run; -1: as soon as a slot frees (closed loop)
  bool warmup = false;
};

// traffic_offsets_ns: each traffic request's arrival_offset_ns (used by Trace; -1 entries are sent at 0).
std::vector<ScheduledRequest> make_schedule(const std::vector<int64_t>& traffic_offsets_ns,
                                            const ArrivalOptions& opt);

// `n` more arrivals of an open loop (Poisson or Gamma) that outran its schedule because its rate was
// raised while it ran: the same process continues after the last arrival (seeded anew by `round`),
// cycling on through the traffic from the last request sent.
void extend_schedule(std::vector<ScheduledRequest>& schedule, size_t traffic_size, const ArrivalOptions& opt,
                     size_t n, uint64_t round);

}  // namespace hp::serving
