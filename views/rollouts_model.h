#pragma once
// The Rollouts panel's model: the RL rollout groups of a serve-profile --rollouts N session, with the same
// figures as serve-report's rollout section (core/serving/rollouts.h, one set of functions): per group the
// time from its first send to its last completion and the first-to-last spread as bars on the run's time
// axis, the output lengths of each group's rollouts, and the running requests over the run with the
// stretches where only stragglers ran (at most `few` running). Times are seconds from the run's first
// send. Pure; drawn by rollouts_panel.h.
#include <string>
#include <utility>
#include <vector>

#include "core/serving/metric_map.h"
#include "core/serving/rollouts.h"
#include "core/session/session.h"

namespace hp {

struct RolloutBar {
  uint64_t group = 0;
  bool partial = false;
  size_t requests = 0, ok = 0;
  double sent_s = 0, first_done_s = 0, last_done_s = 0;  // NaN when the group has no completion
  std::vector<double> lengths;                           // output tokens, scheduling order
};

struct RolloutsModel {
  int n = 0;                                       // 0: the session has no rollout groups (note says why)
  std::string mode;                                // "n" | "requests" (meta rollouts.mode), "" when unknown
  std::string how;                                 // one line: how the groups were sent, and why
  serving::RolloutStats stats;                     // as serve-report computes it
  std::vector<RolloutBar> bars;                    // by group id
  double run_s = 0;                                // first send to last completion
  double length_max = 1;                           // over every rollout
  std::vector<std::pair<double, double>> running;  // (s, requests) steps, from the run's start
  std::vector<std::pair<double, double>> few;      // [from, to] s with 0 < running <= few_threshold
  std::vector<std::string> summary;                // the headline figures, one line each
  std::string note;
};

RolloutsModel rollouts_model(const Session& s, const serving::MetricMap* map);

// The session's requests as records (epoch ns, so that 0 still means "unknown"), in table order.
std::vector<serving::RequestRecord> session_request_records(const Session& s);

// The running-requests series of the session summed over replicas (the run's own scrape first, else
// Prometheus, else the log), epoch ns: what serve-report reads as the batch size.
std::vector<serving::Sample> session_running_series(const Session& s, const serving::MetricMap* map);

}  // namespace hp
