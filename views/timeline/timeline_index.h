#pragma once
// Per-lane, per-depth lists of slice ids sorted by start: what the LOD walk and hit-testing
// binary-search. Within one depth of one lane slices never overlap (partial overlaps were moved
// to overflow lanes at import), so their ends are sorted too.
#include <cstdint>
#include <vector>

#include "core/model/run.h"

namespace hp {

struct TimelineLane {
  uint32_t track = 0;
  uint8_t lane = 0;
  std::vector<std::vector<uint32_t>> by_depth;
  size_t depths() const { return by_depth.size(); }
};

struct TimelineIndex {
  std::vector<TimelineLane> lanes;            // track order, then lane order
  std::vector<uint32_t> first_lane_of_track;  // index into lanes, per track
  static TimelineIndex build(const Run& run);
};

}  // namespace hp
