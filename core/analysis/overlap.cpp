#include "core/analysis/overlap.h"

#include <algorithm>
#include <unordered_map>

namespace hp {
namespace {

struct Point {
  Ns t;
  bool start;
  uint32_t idx;  // into DeviceActivity::ops
};

// Sweeps one device, accumulating into `dev` and the per-name rows.
void sweep(const DeviceActivity& d, DeviceOverlap& dev, std::vector<OpOverlap>& rows,
           std::vector<uint32_t>& row_of_op) {
  std::vector<Point> pts;
  pts.reserve(d.ops.size() * 2);
  for (uint32_t i = 0; i < d.ops.size(); ++i) {
    if (d.ops[i].end <= d.ops[i].start) continue;  // zero-length ops hold no time (and would end first)
    pts.push_back({d.ops[i].start, true, i});
    pts.push_back({d.ops[i].end, false, i});
  }
  std::sort(pts.begin(), pts.end(), [](const Point& a, const Point& b) {
    if (a.t != b.t) return a.t < b.t;
    return !a.start && b.start;  // ends first: touching ops do not overlap
  });
  std::vector<uint32_t> active;
  std::vector<int64_t> streams;
  Ns prev = pts.empty() ? 0 : pts.front().t;
  for (const Point& p : pts) {
    Ns len = p.t - prev;
    if (len > 0) {
      if (active.empty()) {
        dev.idle += len;
      } else {
        bool comm = false, compute = false;
        streams.clear();
        for (uint32_t a : active) {
          comm |= d.ops[a].cls == OpClass::Comm;
          compute |= d.ops[a].cls == OpClass::Compute;
          streams.push_back(d.ops[a].stream);
        }
        std::sort(streams.begin(), streams.end());
        uint32_t n_streams =
            static_cast<uint32_t>(std::unique(streams.begin(), streams.end()) - streams.begin());
        dev.busy += len;
        if (comm && compute)
          dev.both += len;
        else if (compute)
          dev.compute_only += len;
        else if (comm)
          dev.comm_only += len;
        else
          dev.memory_only += len;
        if (n_streams >= 2) dev.multi_stream += len;
        if (n_streams == 1) {
          auto it = std::find_if(dev.stream_alone.begin(), dev.stream_alone.end(),
                                 [&](const auto& sa) { return sa.first == streams[0]; });
          if (it == dev.stream_alone.end())
            dev.stream_alone.emplace_back(streams[0], len);
          else
            it->second += len;
        }
        dev.max_concurrent_streams = std::max(dev.max_concurrent_streams, n_streams);
        for (uint32_t a : active) {
          bool other = false, other_compute = false;
          for (uint32_t b : active) {
            if (d.ops[b].stream == d.ops[a].stream) continue;
            other = true;
            other_compute |= d.ops[b].cls == OpClass::Compute;
          }
          OpOverlap& r = rows[row_of_op[a]];
          (other ? r.hidden : r.exclusive) += len;
          if (other_compute) r.hidden_by_compute += len;
        }
      }
    }
    prev = p.t;
    if (p.start)
      active.push_back(p.idx);
    else if (auto it = std::find(active.begin(), active.end(), p.idx); it != active.end())
      active.erase(it);
  }
}

}  // namespace

OverlapReport overlap_analysis(const Run& run, CategoryCache& categories, const SliceFilter& include) {
  return overlap_analysis(run, categories, gpu_activity(run, categories, include));
}

OverlapReport overlap_analysis(const Run& run, CategoryCache& categories,
                               const std::vector<DeviceActivity>& devices) {
  OverlapReport rep;
  std::unordered_map<StrId, uint32_t> row_of_name;
  bool first = true;
  for (const DeviceActivity& d : devices) {
    std::vector<uint32_t> row_of_op(d.ops.size());
    for (uint32_t i = 0; i < d.ops.size(); ++i) {
      const GpuActivity& o = d.ops[i];
      StrId name = run.slices.name[o.slice];
      auto [it, added] = row_of_name.emplace(name, static_cast<uint32_t>(rep.ops.size()));
      if (added) {
        OpOverlap r;
        r.name = name;
        r.cls = o.cls;
        r.category = o.cls == OpClass::Memory ? "memory" : std::string(categories.of_op(o.op, name));
        rep.ops.push_back(std::move(r));
      }
      OpOverlap& r = rep.ops[it->second];
      ++r.count;
      r.total += o.end - o.start;
      if (r.longest_slice == kNone || o.end - o.start > run.slices.dur[r.longest_slice])
        r.longest_slice = o.slice;
      row_of_op[i] = it->second;
    }
    DeviceOverlap dev;
    dev.rank = d.rank;
    dev.device = d.device;
    dev.streams = static_cast<uint32_t>(d.streams.size());
    dev.ops = d.ops.size();
    if (!d.ops.empty()) {
      dev.begin = d.ops.front().start;
      for (const auto& o : d.ops) dev.end = std::max(dev.end, o.end);
    }
    sweep(d, dev, rep.ops, row_of_op);
    std::sort(dev.stream_alone.begin(), dev.stream_alone.end());
    DeviceOverlap& a = rep.all;
    a.begin = first ? dev.begin : std::min(a.begin, dev.begin);
    a.end = first ? dev.end : std::max(a.end, dev.end);
    first = false;
    a.streams += dev.streams;
    a.ops += dev.ops;
    a.busy += dev.busy;
    a.both += dev.both;
    a.compute_only += dev.compute_only;
    a.comm_only += dev.comm_only;
    a.memory_only += dev.memory_only;
    a.idle += dev.idle;
    a.multi_stream += dev.multi_stream;
    a.max_concurrent_streams = std::max(a.max_concurrent_streams, dev.max_concurrent_streams);
    rep.devices.push_back(dev);
  }
  std::sort(rep.ops.begin(), rep.ops.end(), [&](const OpOverlap& x, const OpOverlap& y) {
    return x.total != y.total ? x.total > y.total : run.str(x.name) < run.str(y.name);
  });
  return rep;
}

}  // namespace hp
