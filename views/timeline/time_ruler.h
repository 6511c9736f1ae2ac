#pragma once
// Ruler ticks for the visible window: a 1-2-5 step at least `min_px` apart, labels in an
// adaptive unit, relative to the trace start.
#include <string>
#include <vector>

#include "views/timeline/view_range.h"

namespace hp {

struct RulerTick {
  double x = 0;
  Ns t = 0;
  std::string label;  // empty for minor ticks
};

Ns ruler_step(Ns span, double width, double min_px);
std::vector<RulerTick> ruler_ticks(TimeWindow view, Ns origin, double width, double min_px = 90);

}  // namespace hp
