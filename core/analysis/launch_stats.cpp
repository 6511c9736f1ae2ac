#include "core/analysis/launch_stats.h"

#include <algorithm>
#include <unordered_map>

namespace hp {

bool is_graph_launch(std::string_view n) {
  return n.find("GraphLaunch") != std::string_view::npos;
}

Distribution distribution(std::vector<Ns> v) {
  Distribution d;
  if (v.empty()) return d;
  std::sort(v.begin(), v.end());
  d.count = v.size();
  d.p50 = percentile_sorted(std::span<const Ns>(v), 0.5);
  d.p99 = percentile_sorted(std::span<const Ns>(v), 0.99);
  d.max = v.back();
  for (Ns x : v) d.sum += x;
  return d;
}

namespace {

// Runtime-call time on `track` within [begin, end) (calls clipped to the window).
Ns runtime_time(const Run& run, uint32_t track, Ns begin, Ns end) {
  const Slices& s = run.slices;
  const Track& t = run.tracks[track];
  Ns total = 0;
  // Slices of a track are sorted by (lane, start); each lane is scanned from 1 ms before `begin`
  // (runtime calls are far shorter), and calls are clipped to the window.
  for (uint32_t i = t.slice_begin; i < t.slice_end;) {
    uint8_t lane = s.lane[i];
    // Lanes are sorted within the track: binary search, not a walk (a window per gap would
    // otherwise walk the whole track each time).
    auto lane_end = static_cast<uint32_t>(
        std::upper_bound(s.lane.begin() + i, s.lane.begin() + t.slice_end, lane) - s.lane.begin());
    auto first = std::lower_bound(s.start.begin() + i, s.start.begin() + lane_end, begin - 1'000'000);
    for (auto j = static_cast<uint32_t>(first - s.start.begin()); j < lane_end && s.start[j] < end; ++j) {
      if (s.kind[j] != SliceKind::Runtime && s.kind[j] != SliceKind::Driver) continue;
      Ns a = std::max(begin, s.start[j]), b = std::min(end, s.end(j));
      if (b > a) total += b - a;
    }
    i = lane_end;
  }
  return total;
}

}  // namespace

LaunchStats launch_stats(const Run& run, const std::vector<DeviceActivity>& devices, const IdleReport& idle) {
  const Slices& s = run.slices;
  LaunchStats st;
  std::vector<Ns> dur, over, delay;
  struct Acc {
    std::vector<Ns> dur, over, delay;
    uint64_t bound = 0;
  };
  std::unordered_map<StrId, Acc> by_name;
  for (const DeviceActivity& d : devices) {
    for (const GpuActivity& o : d.ops) {
      if (s.kind[o.slice] != SliceKind::Kernel) continue;
      ++st.kernels;
      uint32_t launch = run.gpu.launch_slice[o.op];
      if (launch == kNone) {
        ++st.no_launch;
        continue;
      }
      if (is_graph_launch(run.str(s.name[launch]))) {
        ++st.graph_launched;
        continue;
      }
      Ns kd = o.end - o.start, ov = s.dur[launch], dl = o.start - s.end(launch);
      Acc& a = by_name[s.name[o.slice]];
      a.dur.push_back(kd), a.over.push_back(ov), a.delay.push_back(dl);
      dur.push_back(kd), over.push_back(ov), delay.push_back(dl);
      if (ov > kd) {
        ++a.bound;
        ++st.launch_bound;
        st.launch_bound_gpu_time += kd;
        st.launch_bound_overhead += ov;
      }
    }
  }
  st.duration = distribution(std::move(dur));
  st.overhead = distribution(std::move(over));
  st.delay = distribution(std::move(delay));
  for (auto& [name, a] : by_name) {
    KernelLaunchRow r;
    r.name = name;
    r.launches = a.dur.size();
    r.launch_bound = a.bound;
    r.duration = distribution(std::move(a.dur));
    r.overhead = distribution(std::move(a.over));
    r.delay = distribution(std::move(a.delay));
    st.rows.push_back(r);
  }
  std::sort(st.rows.begin(), st.rows.end(), [&](const KernelLaunchRow& x, const KernelLaunchRow& y) {
    if (x.launch_bound != y.launch_bound) return x.launch_bound > y.launch_bound;
    if (x.launches != y.launches) return x.launches > y.launches;
    return run.str(x.name) < run.str(y.name);
  });

  // CPU-bound windows: runs of consecutive host-wait gaps on one stream.
  for (const StreamIdle& si : idle.streams) {
    const auto& g = si.gaps;
    for (size_t i = 0; i < g.size();) {
      if (g[i].kind != GapKind::HostWait) {
        ++i;
        continue;
      }
      size_t j = i;
      CpuBoundWindow w;
      while (j < g.size() && g[j].kind == GapKind::HostWait) w.gpu_idle += g[j].end - g[j].start, ++j;
      w.gaps = j - i;
      if (w.gaps >= kMinWindowGaps) {
        w.rank = si.rank;
        w.device = si.device;
        w.stream = si.stream;
        w.begin = s.start[g[i].prev_slice];
        w.end = s.end(g[j - 1].next_slice);
        uint32_t first_op = gpu_op_of_slice(run, g[i].next_slice);
        uint32_t launch = first_op == kNone ? kNone : run.gpu.launch_slice[first_op];
        if (launch != kNone) {
          w.launch_track = s.track[launch];
          w.launch_calls = runtime_time(run, w.launch_track, w.begin, w.end);
        }
        st.windows.push_back(w);
      }
      i = j;
    }
  }
  // Ops per window: the stream's ops inside [begin, end].
  for (CpuBoundWindow& w : st.windows)
    for (const DeviceActivity& d : devices) {
      if (d.rank != w.rank || d.device != w.device) continue;
      auto it = std::lower_bound(d.ops.begin(), d.ops.end(), w.begin,
                                 [](const GpuActivity& o, Ns t) { return o.start < t; });
      for (; it != d.ops.end() && it->start < w.end; ++it)
        if (it->stream == w.stream && it->end <= w.end) ++w.ops;
    }
  std::sort(st.windows.begin(), st.windows.end(),
            [](const CpuBoundWindow& a, const CpuBoundWindow& b) { return a.gpu_idle > b.gpu_idle; });
  return st;
}

}  // namespace hp
