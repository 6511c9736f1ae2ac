#pragma once
// Statistics over a selected time range: per slice name, count, total and self time (clipped to
// the range), and mean/p50/p99 of the same clipped durations (so that mean = total / count);
// plus GPU busy and idle time.
#include <cstdint>
#include <vector>

#include "core/model/run.h"

namespace hp {

struct RangeNameStats {
  StrId name = 0;
  SliceKind kind = SliceKind::Other;
  uint64_t count = 0;             // slices overlapping the range
  Ns total = 0;                   // overlap with the range, summed
  Ns self = 0;                    // total minus the (clipped) time of direct children
  Ns mean = 0, p50 = 0, p99 = 0;  // of clipped durations (nearest-rank percentiles)
};

struct RangeStats {
  Ns begin = 0, end = 0;
  std::vector<RangeNameStats> rows;  // sorted by total, descending
  Ns gpu_busy = 0;  // union of kernel/memcpy/memset time over all GPU tracks, within the range
  Ns gpu_idle = 0;  // (end - begin) - gpu_busy, when the run has GPU activity
};

// `tracks`: restrict to these tracks (empty = all).
RangeStats range_stats(const Run& run, Ns begin, Ns end, const std::vector<uint32_t>& tracks = {});

}  // namespace hp
