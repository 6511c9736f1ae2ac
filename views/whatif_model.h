#pragma once
// The What-if panel's model (pure): the what-if spec fitted from the session, the slider values applied
// to it, and the analytic curves the charts draw (throughput and p99 TTFT / ITL against the P:D split and
// against the arrival rate, each point with its bottleneck), recomputed at once on every slider move.
// The simulation of the chosen point runs off the UI thread in the panel.
#include <string>
#include <vector>

#include "core/disagg/analytic.h"
#include "core/disagg/whatif_spec.h"
#include "core/session/session.h"

namespace hp {

struct WhatIfControls {
  int prefill_gpus = 0;  // 0: monolithic
  int gpus = 8;
  double rate_rps = 1, prompt_scale = 1, prefix_hit = 0, bandwidth_GBps = 50;
  double slo_ttft_ms = 0, slo_itl_ms = 0;  // 0: none
  bool operator==(const WhatIfControls&) const = default;
};

struct WhatIfPoint {
  double x = 0;  // prefill GPUs (0 = monolithic) or arrival rate
  double throughput_rps = 0, max_rate_rps = 0, ttft_p99_ms = 0, itl_p99_ms = 0;
  disagg::Bottleneck bottleneck = disagg::Bottleneck::Engine;
  bool meets_slo = true;
};

struct WhatIfModel {
  std::string note;                 // why there is nothing to show, when empty of a spec
  disagg::WhatIfSpec fitted, spec;  // spec = fitted with the controls applied
  std::vector<std::string> warnings;
  disagg::WorkloadSketch sketch;
  WhatIfControls controls;
  std::vector<WhatIfPoint> by_split;      // monolithic, then 1..n-1 prefill instances (x = prefill GPUs)
  std::vector<WhatIfPoint> by_rate;       // the chosen layout over 0 .. 1.5 x its maximum rate
  std::vector<WhatIfPoint> by_rate_mono;  // one monolithic instance: the layout the run measured
  disagg::AnalyticPoint chosen;
  bool has_measured = false;  // the run's own (monolithic) point
  double measured_rate_rps = 0, measured_ttft_p99_ms = 0, measured_itl_p99_ms = 0;
  bool ready() const { return note.empty(); }
};

// Fits the spec (no simulation) and sets the controls from it; `tp` GPUs per instance (0: from the run,
// see core/disagg/parallelism.h); total GPUs at least 8 and two instances.
WhatIfModel whatif_model(const Session& s, int tp = 0);
// Applies the controls and recomputes the curves (microseconds to a millisecond).
void apply_controls(WhatIfModel& m, const WhatIfControls& c);
disagg::Layout chosen_layout(const WhatIfModel& m);

}  // namespace hp
