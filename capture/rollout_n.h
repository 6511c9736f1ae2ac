#pragma once
// How a serve-profile --rollouts N run samples each prompt N times: through the API's `n` (one request,
// N choices read apart by choices[].index) when the server supports it, else N requests in a row that
// share the prompt. A probe decides: one streamed request for n choices of one token; HTTP 400 or
// another non-2xx status, an error event, or fewer than n distinct choice indices mean "no".
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "capture/replay_client.h"
#include "core/serving/traffic.h"

namespace hp::capture {

struct NProbe {
  bool supported = false;
  std::string reason;  // what the probe saw, either way
};

// Sends the probe (a short prompt, max_tokens 1) to opt.base_url + opt.endpoint for opt.model.
NProbe probe_n(const ReplayOptions& opt, int n);

struct RolloutPlan {
  int n = 0;         // 0: not a rollout run
  std::string mode;  // "n" | "requests"
  std::string reason;
  std::vector<std::pair<std::string, std::string>> meta;  // rollouts.n/.mode/.reason/.note for the run file
};

// For n > 1: probes the server (opt.model must be known), then either sets opt.rollouts_n, or repeats
// every traffic request n times in a row and scales opt.arrival's warm-up (rounded up to whole groups)
// and request count to requests. Says which on `log`. n <= 1: nothing happens.
RolloutPlan plan_rollouts(int n, ReplayOptions& opt, serving::Traffic& traffic, std::ostream& log);

// The decision alone (pure), for a probe result.
RolloutPlan rollout_plan(int n, const NProbe& probe);

}  // namespace hp::capture
