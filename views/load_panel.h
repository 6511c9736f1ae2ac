#pragma once
// The Load panel: one chart per load concept with one line per replica, preemption (orange) and
// failed-request (red) markers along the top. Lines are reduced to min/max per 2-pixel column once per
// width (LoadPanelState caches them), so 10M samples draw as a few thousand segments.
#include <vector>

#include "views/load_model.h"

namespace hp {

struct LoadPanelState {
  const LoadModel* model = nullptr;  // what the cache was built for
  int columns = 0;
  std::vector<std::vector<std::vector<plot::Column>>> cols;  // [chart][line][column]
  std::vector<uint32_t> preempt_cols, failure_cols;          // markers per column
};

void draw_load_panel(const LoadModel& model, LoadPanelState& state, bool in_range);

}  // namespace hp
