#pragma once
// Level of detail for one timeline lane (Tracy's fold): slices at least `min_px` wide are drawn;
// runs of narrower neighbours fold into one box with a count, and nothing beneath a fold is
// visited. Cost is bounded by pixels times depth, not by the number of events.
#include <cstdint>
#include <vector>

#include "core/model/run.h"
#include "views/timeline/timeline_index.h"
#include "views/timeline/view_range.h"

namespace hp {

struct LodItem {
  double x0 = 0, x1 = 0;  // pixels from the lane's left edge (may exceed [0, width) when clipped)
  uint32_t slice = 0;     // the slice, or the first slice of a fold
  uint32_t count = 1;     // > 1: a fold of `count` slices
  uint8_t depth = 0;
  bool folded() const { return count > 1; }
};

struct LodParams {
  TimeWindow view;
  double width = 1;
  double min_px = 3;
  uint8_t max_depth = 255;  // deeper levels are not laid out
};

// Appends the lane's items, depth by depth (parents before children).
void layout_lane(const Run& run, const TimelineLane& lane, const LodParams& p, std::vector<LodItem>& out);

// The slice under time t at the given depth, or kNone. `slop` widens slices by that many ns.
uint32_t hit_test(const Run& run, const TimelineLane& lane, uint8_t depth, Ns t, Ns slop);

}  // namespace hp
