#include "core/analysis/rank_skew.h"

#include <algorithm>

#include <map>
#include "core/analysis/intervals.h"

namespace hp {
namespace {}  // namespace

RankSkew rank_skew(const std::vector<DeviceActivity>& devices) {
  std::map<uint32_t, RankLoad> by_rank;
  for (const DeviceActivity& d : devices) {
    RankLoad& r = by_rank[d.rank];
    if (r.devices == 0 && !d.ops.empty()) r.begin = d.ops.front().start;
    r.rank = d.rank;
    ++r.devices;
    std::vector<std::pair<Ns, Ns>> all, compute, comm, kernels;
    for (const GpuActivity& o : d.ops) {
      all.emplace_back(o.start, o.end);
      r.begin = std::min(r.begin, o.start);
      r.end = std::max(r.end, o.end);
      if (o.cls == OpClass::Memory) continue;
      ++r.kernels;
      kernels.emplace_back(o.start, o.end);
      if (o.cls == OpClass::Comm) {
        ++r.comm_kernels;
        comm.emplace_back(o.start, o.end);
      } else {
        compute.emplace_back(o.start, o.end);
      }
    }
    r.busy += union_length(all);
    r.kernel_busy += union_length(kernels);
    r.compute += union_length(compute);
    r.comm += union_length(comm);
  }
  RankSkew sk;
  for (auto& [rank, r] : by_rank) sk.ranks.push_back(r);
  if (sk.ranks.empty()) return sk;
  auto span = [&](Ns RankLoad::*f) {
    auto [lo, hi] = std::minmax_element(sk.ranks.begin(), sk.ranks.end(),
                                        [&](const RankLoad& a, const RankLoad& b) { return a.*f < b.*f; });
    return std::pair<Ns, Ns>{(*lo).*f, (*hi).*f};
  };
  auto [busy_lo, busy_hi] = span(&RankLoad::busy);
  auto [comp_lo, comp_hi] = span(&RankLoad::compute);
  auto [comm_lo, comm_hi] = span(&RankLoad::comm);
  sk.busy_skew = busy_hi - busy_lo;
  sk.compute_skew = comp_hi - comp_lo;
  sk.comm_skew = comm_hi - comm_lo;
  bool someone_waits = false;
  for (RankLoad& r : sk.ranks) {
    r.comm_wait = r.comm - comm_lo;
    someone_waits |= r.comm_wait > 0;
  }
  if (sk.ranks.size() >= 2 && someone_waits) {
    auto top = std::max_element(sk.ranks.begin(), sk.ranks.end(),
                                [](const RankLoad& a, const RankLoad& b) { return a.compute < b.compute; });
    sk.straggler = top->rank;
    std::vector<Ns> comp;
    for (const auto& r : sk.ranks) comp.push_back(r.compute);
    std::sort(comp.begin(), comp.end());
    sk.straggler_excess = top->compute - percentile_sorted(std::span<const Ns>(comp), 0.5);
  }
  return sk;
}

}  // namespace hp
