#include "core/analysis/overlap_opportunities.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "core/util/time_format.h"

namespace hp {

std::string launching_cpu_op(const Run& run, uint32_t slice) {
  uint32_t op = gpu_op_of_slice(run, slice);
  if (op == kNone || run.gpu.launch_slice[op] == kNone) return "";
  uint32_t launch = run.gpu.launch_slice[op];
  const Slices& s = run.slices;
  const Track& t = run.tracks[s.track[launch]];
  // Enclosing slices start no later and sit on the same lane, so they come earlier in the
  // track's (lane, start) order; the first container found walking back is the innermost.
  for (uint32_t i = launch; i-- > t.slice_begin;) {
    if (s.lane[i] != s.lane[launch]) break;
    bool contains = s.start[i] <= s.start[launch] && s.end(i) >= s.end(launch);
    if (contains && s.kind[i] == SliceKind::CpuOp) return std::string(run.str(s.name[i]));
    if (s.depth[i] == 0 && !contains) break;  // earlier top-level slices end before this one
  }
  return "";
}

namespace {

std::string dur(Ns ns) {
  return format_duration(ns, 1);
}
double ratio_pct(Ns a, Ns b) {
  return percent(a, b);
}

struct Where {
  const DeviceActivity* dev = nullptr;
  size_t idx = 0;
};

Where find_op(const std::vector<DeviceActivity>& devices, uint32_t slice) {
  for (const auto& d : devices)
    for (size_t i = 0; i < d.ops.size(); ++i)
      if (d.ops[i].slice == slice) return {&d, i};
  return {};
}

bool dependency_like(OpClass self, OpClass other) {
  switch (self) {
    case OpClass::Comm:
      return other != OpClass::Comm;
    case OpClass::Memory:
      return other != OpClass::Memory;
    case OpClass::Compute:
      return true;
  }
  return true;
}

std::string dependency_risk(const std::vector<DeviceActivity>& devices, uint32_t slice) {
  Where w = find_op(devices, slice);
  if (!w.dev) return "n/a";
  const auto& ops = w.dev->ops;
  const GpuActivity& me = ops[w.idx];
  Ns dur_me = me.end - me.start;
  Ns tight = std::max<Ns>(2'000, std::min<Ns>(20'000, dur_me * 15 / 100));
  bool prev = false, next = false;
  for (size_t i = w.idx; i-- > 0;)
    if (ops[i].stream == me.stream) {
      prev = me.start - ops[i].end <= tight && dependency_like(me.cls, ops[i].cls);
      break;
    }
  for (size_t i = w.idx + 1; i < ops.size(); ++i)
    if (ops[i].stream == me.stream) {
      next = ops[i].start - me.end <= tight && dependency_like(me.cls, ops[i].cls);
      break;
    }
  if (prev && next) return "high (both)";
  if (prev) return "high (prev)";
  if (next) return "high (next)";
  return "low";
}

int priority_of(double share, bool high_risk) {
  int p = share >= 10 ? 1 : share >= 3 ? 2 : 3;
  return high_risk ? p + 1 : p;
}

}  // namespace

std::vector<OpportunityRow> overlap_opportunities(const Run& run, const std::vector<DeviceActivity>& devices,
                                                  const OverlapReport& overlap, const IdleReport& idle,
                                                  const LaunchStats& launches) {
  std::vector<OpportunityRow> rows;
  const Ns busy = overlap.all.busy;
  auto add = [&](OpportunityRow r) {
    if (r.share_of == "busy") r.share_pct = percent(r.impact, busy);
    if (r.share_pct < kReportBarPct) return;
    bool high = r.dep_risk.rfind("high", 0) == 0;
    r.priority = priority_of(r.share_pct, high);
    if (r.slice != kNone) r.cpu_op = launching_cpu_op(run, r.slice);
    rows.push_back(std::move(r));
  };

  // Streams that run compute kernels, per (rank, device).
  std::set<std::tuple<uint32_t, int32_t, int64_t>> compute_streams;
  for (const auto& d : devices)
    for (const auto& o : d.ops)
      if (o.cls == OpClass::Compute) compute_streams.insert({d.rank, d.device, o.stream});
  std::map<StrId, std::pair<uint64_t, uint64_t>> copies_on_compute;  // name -> (on compute stream, all)
  for (const auto& d : devices)
    for (const auto& o : d.ops)
      if (o.cls == OpClass::Memory) {
        auto& c = copies_on_compute[run.slices.name[o.slice]];
        c.first += compute_streams.count({d.rank, d.device, o.stream});
        ++c.second;
      }

  for (const OpOverlap& o : overlap.ops) {
    if (o.total <= 0) continue;
    double excl = ratio_pct(o.exclusive, o.total);
    if (o.cls == OpClass::Comm && excl >= 45) {
      OpportunityRow r;
      r.rule = "exposed-comm";
      r.kernel = std::string(run.str(o.name));
      r.slice = o.longest_slice;
      r.impact = o.exclusive;
      r.dep_risk = dependency_risk(devices, o.longest_slice);
      r.verdict = r.dep_risk == "low" ? "try overlap" : "check deps";
      r.evidence = fmt::format("{} in {} launches, exclusive {:.0f}% / hidden {:.0f}%, nothing else running",
                               dur(o.total), o.count, excl, ratio_pct(o.hidden, o.total));
      r.recommendation =
          "overlap with compute: collective on a side stream, micro-batch split, or GEMM+all-reduce fusion";
      add(std::move(r));
    } else if (o.cls == OpClass::Memory && excl >= 45) {
      auto [on, all] = copies_on_compute[o.name];
      if (on * 2 <= all) continue;
      OpportunityRow r;
      r.rule = "copy-on-compute";
      r.kernel = std::string(run.str(o.name));
      r.slice = o.longest_slice;
      r.impact = o.exclusive;
      r.dep_risk = dependency_risk(devices, o.longest_slice);
      r.verdict = r.dep_risk == "low" ? "move copy" : "check deps";
      r.evidence = fmt::format("{} in {} ops, {}/{} on a compute stream, exclusive {:.0f}%", dur(o.total),
                               o.count, on, all, excl);
      r.recommendation =
          "copy on a side stream (pinned memory, non_blocking=True) or keep the data on device";
      add(std::move(r));
    }
  }

  for (const DeviceOverlap& d : overlap.devices) {
    if (d.streams < 2) continue;
    for (auto [stream, alone] : d.stream_alone) {
      if (alone * 2 < d.busy) continue;
      OpportunityRow r;
      r.rule = "serial-stream";
      r.kernel = fmt::format("stream {}", stream);
      r.impact = alone;
      r.dep_risk = "n/a";
      r.verdict = "try streams";
      r.evidence =
          fmt::format("rank {} gpu {}: alone {} = {:.0f}% of busy {}; {} other streams idle then", d.rank,
                      d.device, dur(alone), ratio_pct(alone, d.busy), dur(d.busy), d.streams - 1);
      r.recommendation = "move independent work (copies, side branches, comm) to the idle streams";
      add(std::move(r));
    }
  }

  for (const StreamIdle& s : idle.streams) {
    const GapTotals& hw = s.by_kind[static_cast<size_t>(GapKind::HostWait)];
    Ns span = s.end - s.begin;
    if (hw.time * 20 < span || hw.time == 0) continue;
    uint64_t windows = 0;
    Ns longest = 0;
    for (const auto& w : launches.windows)
      if (w.rank == s.rank && w.device == s.device && w.stream == s.stream)
        ++windows, longest = std::max(longest, w.end - w.begin);
    OpportunityRow r;
    r.rule = "host-wait";
    r.kernel = fmt::format("stream {}", s.stream);
    r.impact = hw.time;
    r.share_of = "span";
    r.share_pct = percent(hw.time, span);
    r.dep_risk = "n/a";
    r.verdict = "try CUDA graphs";
    r.evidence =
        fmt::format("rank {} gpu {}: host wait {} in {} gaps = {:.0f}% of span {}; {} CPU-bound windows",
                    s.rank, s.device, dur(hw.time), hw.count, ratio_pct(hw.time, span), dur(span), windows);
    if (windows) r.evidence += fmt::format(" (longest {})", dur(longest));
    r.recommendation = "GPU waits for the CPU: capture the step in CUDA graphs, cut Python/launch overhead";
    add(std::move(r));
  }

  // launch-bound: impact from the individual launches of each name.
  std::map<StrId, Ns> excess;
  std::map<StrId, uint32_t> longest;
  for (const auto& d : devices)
    for (const auto& o : d.ops) {
      if (run.slices.kind[o.slice] != SliceKind::Kernel) continue;
      uint32_t l = run.gpu.launch_slice[o.op];
      if (l == kNone || is_graph_launch(run.str(run.slices.name[l]))) continue;
      Ns over = run.slices.dur[l] - (o.end - o.start);
      if (over <= 0) continue;
      StrId n = run.slices.name[o.slice];
      excess[n] += over;
      auto [lit, fresh] = longest.emplace(n, o.slice);
      uint32_t& lg = lit->second;
      if (!fresh && o.end - o.start > run.slices.dur[lg]) lg = o.slice;
    }
  for (const KernelLaunchRow& k : launches.rows) {
    if (k.launches < 10 || k.launch_bound * 2 < k.launches) continue;
    OpportunityRow r;
    r.rule = "launch-bound";
    r.kernel = std::string(run.str(k.name));
    r.slice = longest[k.name];
    r.impact = excess[k.name];
    r.dep_risk = "n/a";  // fusion keeps the order; adjacency is what makes it possible
    r.verdict = "try fusion";
    r.evidence =
        fmt::format("{}/{} launches overhead > duration; overhead p50 {}, kernel p50 {}, delay p50 {}",
                    k.launch_bound, k.launches, dur(k.overhead.p50), dur(k.duration.p50), dur(k.delay.p50));
    r.recommendation = "fuse with its neighbours (torch.compile, a fused op) or capture in CUDA graphs";
    add(std::move(r));
  }

  std::stable_sort(rows.begin(), rows.end(), [](const OpportunityRow& a, const OpportunityRow& b) {
    return a.priority != b.priority ? a.priority < b.priority : a.impact > b.impact;
  });
  return rows;
}

}  // namespace hp
