#include "core/analysis/range_stats.h"

#include "core/util/percentile.h"

#include "core/analysis/intervals.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace hp {
namespace {

Ns overlap(Ns s, Ns e, Ns a, Ns b) {
  return std::max<Ns>(0, std::min(e, b) - std::max(s, a));
}

}  // namespace

RangeStats range_stats(const Run& run, Ns begin, Ns end, const std::vector<uint32_t>& tracks) {
  RangeStats out{begin, end, {}, 0, 0};
  const Slices& s = run.slices;
  std::unordered_map<StrId, size_t> row_of;
  std::vector<std::vector<Ns>> durs;
  std::vector<std::pair<Ns, Ns>> gpu;
  bool has_gpu = false;
  auto visit_track = [&](uint32_t t) {
    const Track& tr = run.tracks[t];
    // Stack of open ancestors per lane: direct children subtract from their parent's self time.
    std::vector<uint32_t> stack;
    uint8_t lane = 0;
    for (uint32_t i = tr.slice_begin; i < tr.slice_end; ++i) {
      if (is_gpu_activity(s.kind[i]) && s.kind[i] != SliceKind::Sync) {
        has_gpu = true;
        if (Ns o = overlap(s.start[i], s.end(i), begin, end); o > 0)
          gpu.emplace_back(std::max(s.start[i], begin), std::min(s.end(i), end));
      }
      if (s.lane[i] != lane) stack.clear(), lane = s.lane[i];
      while (!stack.empty() && s.depth[stack.back()] >= s.depth[i]) stack.pop_back();
      Ns o = overlap(s.start[i], s.end(i), begin, end);
      bool inside = o > 0 || (s.dur[i] == 0 && s.start[i] >= begin && s.start[i] < end);
      if (inside) {
        auto [it, added] = row_of.try_emplace(s.name[i], out.rows.size());
        if (added) {
          out.rows.push_back({s.name[i], s.kind[i]});
          durs.emplace_back();
        }
        auto& row = out.rows[it->second];
        ++row.count;
        row.total += o;
        row.self += o;
        durs[it->second].push_back(o);  // clipped, like total: the columns add up
        if (!stack.empty() && s.depth[stack.back()] + 1 == s.depth[i])
          out.rows[row_of[s.name[stack.back()]]].self -= o;
      }
      stack.push_back(i);
    }
  };
  if (tracks.empty())
    for (uint32_t t = 0; t < run.tracks.size(); ++t) visit_track(t);
  else
    for (uint32_t t : tracks) visit_track(t);

  for (size_t r = 0; r < out.rows.size(); ++r) {
    auto& v = durs[r];
    Ns sum = 0;
    for (Ns d : v) sum += d;
    out.rows[r].mean = sum / static_cast<Ns>(v.size());
    std::sort(v.begin(), v.end());
    out.rows[r].p50 = percentile_sorted(std::span<const Ns>(v), 0.50);
    out.rows[r].p99 = percentile_sorted(std::span<const Ns>(v), 0.99);
  }
  std::sort(out.rows.begin(), out.rows.end(), [](auto& a, auto& b) { return a.total > b.total; });

  out.gpu_busy = union_length(gpu);
  if (has_gpu) out.gpu_idle = (end - begin) - out.gpu_busy;
  return out;
}

}  // namespace hp
