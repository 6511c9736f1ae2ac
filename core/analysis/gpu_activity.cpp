#include "core/analysis/gpu_activity.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace hp {

const char* to_string(OpClass c) {
  switch (c) {
    case OpClass::Compute:
      return "compute";
    case OpClass::Comm:
      return "comm";
    case OpClass::Memory:
      return "memory";
  }
  return "?";
}

std::string_view CategoryCache::of(StrId name) {
  auto it = memo_.find(name);
  if (it != memo_.end()) return it->second;
  return memo_[name] = cat_.categorize(run_.str(name));
}

std::vector<DeviceActivity> gpu_activity(const Run& run, CategoryCache& categories,
                                         const SliceFilter& include) {
  const Slices& s = run.slices;
  const GpuOps& g = run.gpu;
  std::map<std::pair<uint32_t, int32_t>, DeviceActivity> by_device;
  for (uint32_t op = 0; op < g.size(); ++op) {
    uint32_t i = g.slice[op];
    SliceKind k = s.kind[i];
    if (k != SliceKind::Kernel && k != SliceKind::Memcpy && k != SliceKind::Memset) continue;
    if (include && !include(i)) continue;
    const Track& tr = run.tracks[s.track[i]];
    int32_t device = g.device[op] >= 0 ? g.device[op]
                     : tr.device >= 0  ? tr.device
                                       : static_cast<int32_t>(tr.pid);
    int64_t stream = g.stream[op] >= 0 ? g.stream[op] : tr.stream >= 0 ? tr.stream : tr.tid;
    OpClass cls = k != SliceKind::Kernel                      ? OpClass::Memory
                  : categories.of_op(op, s.name[i]) == "comm" ? OpClass::Comm
                                                              : OpClass::Compute;
    DeviceActivity& d = by_device[{tr.rank, device}];
    d.rank = tr.rank;
    d.device = device;
    d.ops.push_back({i, op, s.start[i], s.end(i), stream, cls});
  }
  std::vector<DeviceActivity> out;
  out.reserve(by_device.size());
  for (auto& [key, d] : by_device) {
    std::sort(d.ops.begin(), d.ops.end(), [](const GpuActivity& a, const GpuActivity& b) {
      if (a.start != b.start) return a.start < b.start;
      if (a.end != b.end) return a.end < b.end;
      return a.slice < b.slice;
    });
    for (const auto& o : d.ops) d.streams.push_back(o.stream);
    std::sort(d.streams.begin(), d.streams.end());
    d.streams.erase(std::unique(d.streams.begin(), d.streams.end()), d.streams.end());
    out.push_back(std::move(d));
  }
  return out;
}

uint32_t gpu_op_of_slice(const Run& run, uint32_t slice) {
  auto it = std::lower_bound(run.gpu.slice.begin(), run.gpu.slice.end(), slice);
  if (it == run.gpu.slice.end() || *it != slice) return kNone;
  return static_cast<uint32_t>(it - run.gpu.slice.begin());
}

}  // namespace hp
