#include "core/analysis/slice_parents.h"

namespace hp {

std::vector<uint32_t> slice_parents(const Run& run) {
  const Slices& s = run.slices;
  std::vector<uint32_t> parent(s.size(), kNone);
  std::vector<uint32_t> open;
  for (const Track& t : run.tracks) {
    open.clear();
    uint8_t lane = 0;
    for (uint32_t i = t.slice_begin; i < t.slice_end; ++i) {
      if (s.lane[i] != lane) open.clear(), lane = s.lane[i];
      // Slices are sorted by (lane, start, -dur): pop what ended before i starts or cannot hold it.
      while (!open.empty() && (s.start[i] >= s.end(open.back()) || s.end(i) > s.end(open.back())))
        open.pop_back();
      if (!open.empty()) parent[i] = open.back();
      open.push_back(i);
    }
  }
  return parent;
}

}  // namespace hp
