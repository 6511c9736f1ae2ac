#pragma once
// The Latency panel: one chart per metric (histogram, CDF line, p50/p90/p99 lines) over the
// session's requests, or those that started in the selected range.
#include "views/latency_model.h"

namespace hp {

void draw_latency_panel(const LatencyModel& model, bool in_range);

}  // namespace hp
