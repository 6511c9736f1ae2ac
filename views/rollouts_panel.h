#pragma once
// The Rollouts panel: how the groups were sent and the headline figures, then per group its time from first
// send to last completion as a bar on the run's time axis (the spread between first and last completion
// drawn thick), the output lengths of each group's rollouts, and the running requests over the run with the
// straggler stretches shaded.
#include "views/rollouts_model.h"

namespace hp {

void draw_rollouts_panel(const RolloutsModel& model);

}  // namespace hp
