#pragma once
// Builds small Runs by hand for view and analysis tests: slices given per (track, lane, depth).
#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "core/model/run.h"

namespace hp::test {

struct SliceSpec {
  uint32_t track = 0;
  Ns start = 0, dur = 0;
  std::string name;
  uint8_t depth = 0, lane = 0;
  SliceKind kind = SliceKind::CpuOp;
};

// Tracks are created up to the largest index used; slices are sorted as the importer sorts them.
inline Run make_run(std::vector<SliceSpec> specs, uint32_t track_count = 0) {
  Run run;
  for (const auto& s : specs) track_count = std::max(track_count, s.track + 1);
  run.tracks.resize(track_count);
  std::stable_sort(specs.begin(), specs.end(), [](const SliceSpec& a, const SliceSpec& b) {
    if (a.track != b.track) return a.track < b.track;
    if (a.lane != b.lane) return a.lane < b.lane;
    if (a.start != b.start) return a.start < b.start;
    return a.dur > b.dur;
  });
  for (uint32_t t = 0; t < track_count; ++t) {
    run.tracks[t].tid = t;
    run.tracks[t].slice_begin = run.tracks[t].slice_end = static_cast<uint32_t>(run.slices.size());
    for (const auto& s : specs) {
      if (s.track != t) continue;
      run.slices.start.push_back(s.start);
      run.slices.dur.push_back(s.dur);
      run.slices.name.push_back(run.strings.intern(s.name));
      run.slices.track.push_back(t);
      run.slices.cat.push_back(0);
      run.slices.kind.push_back(s.kind);
      run.slices.depth.push_back(s.depth);
      run.slices.lane.push_back(s.lane);
      run.slices.external_id.push_back(0);
      run.slices.args.push_back({});
      run.tracks[t].lanes = std::max<uint8_t>(run.tracks[t].lanes, s.lane + 1);
      run.tracks[t].max_depth = std::max(run.tracks[t].max_depth, s.depth);
      run.tracks[t].slice_end++;
    }
  }
  return run;
}

}  // namespace hp::test
