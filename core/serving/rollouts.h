#pragma once
// RL rollout groups of a serve-profile --rollouts N run: each prompt was sampled N times in a row (N
// requests, or one request with the API's n whose choices count as N), so the request at scheduling position
// i (warm-up included) belongs to group i / N. A run file keeps requests in completion order, so the position
// is read from the X-Request-Id the client numbered in scheduling order (rollout_position). Per group: the
// time from its first send to its last completion (what an RL step waits for), the spread between its first
// and last completion, and its output lengths. Over the run: how long the server ran few requests (at most a
// quarter of the peak, at least 1, more than 0) while stragglers finished, from the running-requests series
// when the run has one, else from the client's in-flight requests.
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "core/serving/latency_stats.h"
#include "core/serving/metric_sample.h"
#include "core/serving/request_record.h"
#include "core/serving/traffic.h"

namespace hp::serving {

struct RolloutGroup {
  uint64_t group = 0;
  size_t requests = 0, ok = 0;
  bool partial = false;  // fewer than N requests measured (the run's end or its warm-up cut the group)
  double to_last_ms = 0, spread_ms = 0;  // NaN when no request of the group succeeded
  Dist output_tokens;                    // over the group's successful requests
  double output_min = NAN;
  std::vector<double> lengths;  // output tokens of the successful requests, in scheduling order
  std::vector<std::string> request_ids;
  int64_t first_sent_ns = 0, first_done_ns = 0, last_done_ns = 0;  // 0: none
};

struct RolloutStats {
  int n = 0;
  std::vector<RolloutGroup> groups;  // by group id
  Dist to_last_ms, spread_ms;        // over complete groups
  double run_s = 0;                  // first measured send to last completion
  double few_threshold = 0;          // "few" = at most this many running (and more than 0)
  double straggler_s = 0;            // time with few running, within the run
  double straggler_share = 0;        // straggler_s / run_s
  std::string straggler_source;      // "requests_running series" or "client in-flight requests"
  int64_t run_from_ns = 0, run_to_ns = 0;
  std::vector<Sample> steps;  // the running-requests step function the straggler time was read from
};

// The client's scheduling position of a request: its X-Request-Id "<prefix><number>", plus c for a
// choice "<prefix><number>#<c>" of a request with the API's n; RequestRecord::index when the id has no
// trailing number (requests from a log or another tool).
uint64_t rollout_position(const RequestRecord& r);

// Each request `n` times in a row: the traffic of a --rollouts n run.
std::vector<TrafficRequest> repeat_each(const std::vector<TrafficRequest>& requests, size_t n);

// `running`: the merged running-requests series (empty to use the client's in-flight count).
RolloutStats rollout_stats(const std::vector<RequestRecord>& requests, int n,
                           const std::vector<Sample>& running);

// Seconds within [from_ns, to_ns] the step function (each value holds until the next) spends with
// 0 < value <= threshold.
double seconds_few(const std::vector<Sample>& steps, int64_t from_ns, int64_t to_ns, double threshold);

}  // namespace hp::serving
