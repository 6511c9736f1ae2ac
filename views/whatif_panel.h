#pragma once
// The What-if panel: sliders for the P:D split, total GPUs, arrival rate, prompt-length scale,
// prefix-hit fraction, link bandwidth and the SLO; charts of throughput and p99 TTFT / ITL against the
// split and against the rate (analytic, redrawn on every move; points coloured by bottleneck, SLO
// violations shaded, the run's measured point marked); the simulation of the chosen point runs on a
// worker thread and its figures appear when done.
#include <future>
#include <optional>

#include "core/disagg/simulate.h"
#include "views/whatif_model.h"

namespace hp {

struct WhatIfPanelState {
  std::future<disagg::SimResult> job;
  WhatIfControls job_for;  // the controls the running or finished simulation was started with
  std::optional<disagg::SimResult> sim;
  bool started = false;
  bool busy() const { return job.valid(); }
};

// Starts the background simulation when the controls differ from the last one's; collects a finished one.
void update_simulation(const WhatIfModel& m, WhatIfPanelState& st);
void draw_whatif_panel(WhatIfModel& m, WhatIfPanelState& st);

}  // namespace hp
