#include "views/timeline/lod_layout.h"

#include <algorithm>
#include <cmath>

namespace hp {
namespace {

struct Walk {
  const Slices& s;
  const LodParams& p;
  double ns_per_px;
  Ns min_ns;

  double x(Ns t) const { return static_cast<double>(t - p.view.t0) / ns_per_px; }

  // First id in [lo, hi) whose end is >= t (ends are sorted within a depth).
  size_t first_ending_at_or_after(const std::vector<uint32_t>& ids, size_t lo, size_t hi, Ns t) const {
    return std::partition_point(ids.begin() + lo, ids.begin() + hi,
                                [&](uint32_t id) { return s.end(id) < t; }) -
           ids.begin();
  }
  size_t first_starting_at_or_after(const std::vector<uint32_t>& ids, size_t lo, size_t hi, Ns t) const {
    return std::partition_point(ids.begin() + lo, ids.begin() + hi,
                                [&](uint32_t id) { return s.start[id] < t; }) -
           ids.begin();
  }

  // Lays out ids[lo, hi) clipped to [a, b); unfolded slices are appended to `drawn` for the next depth.
  void level(const std::vector<uint32_t>& ids, Ns a, Ns b, uint8_t depth, std::vector<LodItem>& out,
             std::vector<uint32_t>& drawn) const {
    size_t i = first_ending_at_or_after(ids, 0, ids.size(), a);
    size_t end = first_starting_at_or_after(ids, i, ids.size(), b);
    while (i < end) {
      uint32_t id = ids[i];
      if (s.dur[id] >= min_ns) {
        out.push_back({x(s.start[id]), x(s.end(id)), id, 1, depth});
        drawn.push_back(id);
        ++i;
        continue;
      }
      // Gallop over neighbours that would blur into the same few pixels.
      size_t j = i + 1;
      Ns run_end = s.end(id);
      while (j < end) {
        size_t k = first_ending_at_or_after(ids, j, end, run_end + min_ns);
        if (k > j) {
          run_end = std::max(run_end, s.end(ids[k - 1]));
          j = k;
          continue;
        }
        uint32_t next = ids[j];
        if (s.dur[next] < min_ns && s.start[next] < run_end + min_ns) {
          run_end = s.end(next);
          ++j;
          continue;
        }
        break;
      }
      double x0 = x(s.start[id]);
      double x1 = std::max(x(run_end), x0 + p.min_px);
      out.push_back({x0, x1, id, static_cast<uint32_t>(j - i), depth});
      // Nothing beneath a box narrower than min_px is visited: its children cannot be wider.
      i = j;
    }
  }
};

}  // namespace

void layout_lane(const Run& run, const TimelineLane& lane, const LodParams& p, std::vector<LodItem>& out) {
  if (p.view.span() <= 0 || p.width <= 0) return;
  Walk w{run.slices, p, static_cast<double>(p.view.span()) / p.width, 0};
  w.min_ns = static_cast<Ns>(std::ceil(p.min_px * w.ns_per_px));
  std::vector<uint32_t> parents, next;
  size_t depths = std::min<size_t>(lane.depths(), size_t{p.max_depth} + 1);
  for (size_t d = 0; d < depths; ++d) {
    next.clear();
    const auto& ids = lane.by_depth[d];
    if (d == 0) {
      w.level(ids, p.view.t0, p.view.t1, 0, out, next);
    } else {
      for (uint32_t parent : parents) {
        Ns a = std::max(p.view.t0, run.slices.start[parent]);
        Ns b = std::min(p.view.t1, run.slices.end(parent));
        if (a < b || (a == b && run.slices.dur[parent] == 0))
          w.level(ids, a, b, static_cast<uint8_t>(d), out, next);
      }
    }
    if (next.empty()) break;
    parents.swap(next);
  }
}

uint32_t hit_test(const Run& run, const TimelineLane& lane, uint8_t depth, Ns t, Ns slop) {
  if (depth >= lane.depths()) return kNone;
  const auto& ids = lane.by_depth[depth];
  const Slices& s = run.slices;
  auto it = std::partition_point(ids.begin(), ids.end(), [&](uint32_t id) { return s.end(id) + slop < t; });
  uint32_t best = kNone;
  Ns best_dist = slop + 1;
  for (; it != ids.end() && s.start[*it] - slop <= t; ++it) {
    Ns dist = t < s.start[*it] ? s.start[*it] - t : (t > s.end(*it) ? t - s.end(*it) : 0);
    if (dist < best_dist) best = *it, best_dist = dist;
  }
  return best;
}

}  // namespace hp
