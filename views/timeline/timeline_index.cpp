#include "views/timeline/timeline_index.h"

namespace hp {

TimelineIndex TimelineIndex::build(const Run& run) {
  TimelineIndex idx;
  idx.first_lane_of_track.reserve(run.tracks.size());
  for (uint32_t t = 0; t < run.tracks.size(); ++t) {
    const Track& tr = run.tracks[t];
    idx.first_lane_of_track.push_back(static_cast<uint32_t>(idx.lanes.size()));
    size_t first = idx.lanes.size();
    for (uint8_t l = 0; l < tr.lanes; ++l) idx.lanes.push_back({t, l, {}});
    for (uint32_t s = tr.slice_begin; s < tr.slice_end; ++s) {
      auto& lane = idx.lanes[first + run.slices.lane[s]];
      uint8_t d = run.slices.depth[s];
      if (lane.by_depth.size() <= d) lane.by_depth.resize(d + 1u);
      lane.by_depth[d].push_back(s);  // slices are sorted by (lane, start): stays sorted per depth
    }
  }
  return idx;
}

}  // namespace hp
