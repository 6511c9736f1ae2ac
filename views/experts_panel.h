#pragma once
// The Experts panel: heatmap of expert shares per layer with its legend, the per-layer imbalance
// table, rank loads of the selected layer (placement vs the rebalance what-if) and balancedness
// over time. Returns true when the user changed `o` (the model must be rebuilt).
#include "views/experts_model.h"

namespace hp {

bool draw_experts_panel(const ExpertsModel& m, ExpertsOptions& o);

}  // namespace hp
