#pragma once
// Stream overlap per device: a sweep over the start/end points of every kernel, memcpy and
// memset of all streams of one device (see gpu_activity.h for classes and streams).
//
// Per op, each elementary segment of its lifetime is
//   hidden    when an op of ANOTHER stream is active too (hidden_by_compute when one of those
//             is a compute kernel), otherwise
//   exclusive (alone, or only beside ops of its own stream: overflow-lane artefacts).
// Per device the span [first start, last end) is partitioned into
//   both (comm and compute kernels active), compute_only (compute, no comm; memory ops beside
//   compute count as compute, as in HTA's temporal breakdown), comm_only (comm, no compute),
//   memory_only (only memcpy/memset) and idle (nothing).
// comm_overlap_pct = both / (both + comm_only): the share of communication time during which
// compute ran (HTA get_comm_comp_overlap).
#include <cstdint>
#include <string>
#include <vector>

#include "core/analysis/gpu_activity.h"

namespace hp {

struct OpOverlap {  // per op name (kernels, and memcpy/memset names such as "Memcpy DtoD")
  StrId name = 0;
  std::string category;  // the categorizer's (of its first instance), "memory" for memcpy/memset
  OpClass cls = OpClass::Compute;
  uint64_t count = 0;
  Ns total = 0, exclusive = 0, hidden = 0, hidden_by_compute = 0;
  uint32_t longest_slice = kNone;  // the longest instance (representative for tables)
};

struct DeviceOverlap {
  uint32_t rank = 0;
  int32_t device = -1;
  uint32_t streams = 0;
  uint64_t ops = 0;
  Ns begin = 0, end = 0;                                                    // first start, last end
  Ns busy = 0;                                                              // union of all ops
  Ns both = 0, compute_only = 0, comm_only = 0, memory_only = 0, idle = 0;  // sum to end - begin
  Ns multi_stream = 0;                                                      // time with >= 2 streams active
  uint32_t max_concurrent_streams = 0;
  std::vector<std::pair<int64_t, Ns>> stream_alone;  // (stream, time it was the only active stream)
  double comm_overlap_pct() const { return percent(both, both + comm_only); }
};

struct OverlapReport {
  std::vector<DeviceOverlap> devices;  // by (rank, device)
  std::vector<OpOverlap> ops;          // by total, descending
  DeviceOverlap all;  // sums over devices (begin/end = min/max; max_concurrent_streams = max)
};

OverlapReport overlap_analysis(const Run& run, CategoryCache& categories, const SliceFilter& include = {});
// Same, from devices already collected.
OverlapReport overlap_analysis(const Run& run, CategoryCache& categories,
                               const std::vector<DeviceActivity>& devices);

}  // namespace hp
