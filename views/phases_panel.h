#pragma once
// The Prefill/decode panel: engine iterations by kind, the two cost curves (scatter + least-squares
// line with its equation and R²), prefill and decode tokens/s over time, GPU kernel time per stage and
// the server's per-request prefill/decode time.
#include "views/phases_model.h"

namespace hp {

void draw_phases_panel(const PhasesModel& model, bool in_range);

}  // namespace hp
