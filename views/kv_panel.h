#pragma once
// The KV panel: the verdict with its numbers, the usage heatmap (time x replica, grey = no sample) with
// preemption markers and the capacity, the prefix hit rate per bin, and the residency distributions.
#include "views/kv_model.h"

namespace hp {

void draw_kv_panel(const KvModel& model, bool in_range);

}  // namespace hp
