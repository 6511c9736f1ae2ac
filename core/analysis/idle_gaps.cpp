#include "core/analysis/idle_gaps.h"

#include <algorithm>
#include <map>

namespace hp {

const char* to_string(GapKind k) {
  switch (k) {
    case GapKind::KernelWait:
      return "kernel wait";
    case GapKind::HostWait:
      return "host wait";
    case GapKind::Other:
      return "other";
  }
  return "?";
}

const char* gap_bucket_label(size_t bucket) {
  static const char* kLabels[] = {"<30ns", "30ns-1us", "1-10us", "10-100us", "100us-1ms", "1-10ms", ">=10ms"};
  return bucket < std::size(kLabels) ? kLabels[bucket] : "?";
}

IdleReport idle_gaps(const Run& run, const std::vector<DeviceActivity>& devices) {
  IdleReport rep;
  for (const DeviceActivity& d : devices) {
    std::map<int64_t, std::vector<const GpuActivity*>> by_stream;
    for (const auto& o : d.ops) by_stream[o.stream].push_back(&o);  // keeps (start, end) order
    for (auto& [stream, ops] : by_stream) {
      StreamIdle s;
      s.rank = d.rank;
      s.device = d.device;
      s.stream = stream;
      s.ops = ops.size();
      s.begin = ops.front()->start;
      Ns prev_end = ops.front()->end;
      uint32_t prev_slice = ops.front()->slice;
      s.busy = prev_end - s.begin;
      for (size_t i = 1; i < ops.size(); ++i) {
        const GpuActivity& o = *ops[i];
        if (o.start > prev_end) {
          IdleGap g{prev_slice, o.slice, prev_end, o.start, GapKind::Other};
          Ns len = o.start - prev_end;
          uint32_t launch = run.gpu.launch_slice[o.op];
          if (launch == kNone) ++s.no_launch;
          if (len < kShortGap)
            g.kind = GapKind::KernelWait;
          else if (launch != kNone && run.slices.start[launch] > prev_end)
            g.kind = GapKind::HostWait;
          auto& k = s.by_kind[static_cast<size_t>(g.kind)];
          ++k.count;
          k.time += len;
          size_t b =
              static_cast<size_t>(std::upper_bound(kGapBucketBounds.begin(), kGapBucketBounds.end(), len) -
                                  kGapBucketBounds.begin());
          ++rep.histogram[b].count;
          rep.histogram[b].time += len;
          s.gaps.push_back(g);
          s.busy += o.end - o.start;
        } else if (o.end > prev_end) {
          s.busy += o.end - prev_end;
        }
        if (o.end > prev_end) prev_end = o.end, prev_slice = o.slice;
      }
      s.end = prev_end;
      for (size_t k = 0; k < 3; ++k) {
        rep.by_kind[k].count += s.by_kind[k].count;
        rep.by_kind[k].time += s.by_kind[k].time;
      }
      rep.no_launch += s.no_launch;
      rep.busy += s.busy;
      rep.streams.push_back(std::move(s));
    }
  }
  return rep;
}

}  // namespace hp
