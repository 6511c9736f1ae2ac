#include "core/session/request_lanes.h"

#include <algorithm>
#include <climits>
#include <functional>
#include <numeric>
#include <queue>

namespace hp {

RequestLanes pack_request_lanes(const RequestTable& rq) {
  RequestLanes out;
  const size_t n = rq.size();
  out.lane.assign(n, kNone);
  std::vector<Ns> start(n), end(n);
  std::vector<uint32_t> by_start;
  by_start.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    start[i] = rq.start_of(i);
    end[i] = rq.end_of(i);
    if (start[i] == kNoTime)
      ++out.untimed;
    else
      by_start.push_back(static_cast<uint32_t>(i));
  }
  auto earlier = [&](uint32_t a, uint32_t b) { return start[a] < start[b]; };
  if (!std::is_sorted(by_start.begin(), by_start.end(), earlier))  // arrival order usually is start order
    std::stable_sort(by_start.begin(), by_start.end(), earlier);
  using Busy = std::pair<Ns, uint32_t>;  // (end, lane)
  std::priority_queue<Busy, std::vector<Busy>, std::greater<>> busy;
  std::priority_queue<uint32_t, std::vector<uint32_t>, std::greater<>> free_lanes;
  uint32_t lanes = 0;
  std::vector<uint32_t> per_lane;
  for (uint32_t r : by_start) {
    const Ns t = start[r];
    while (!busy.empty() && busy.top().first <= t) {
      free_lanes.push(busy.top().second);
      busy.pop();
    }
    uint32_t l;
    if (free_lanes.empty()) {
      l = lanes++;
      per_lane.push_back(0);
    } else {
      l = free_lanes.top();
      free_lanes.pop();
    }
    out.lane[r] = l;
    ++per_lane[l];
    busy.push({std::max(end[r], t), l});
  }
  out.lane_begin.assign(lanes + 1, 0);
  for (uint32_t l = 0; l < lanes; ++l) out.lane_begin[l + 1] = out.lane_begin[l] + per_lane[l];
  out.order.resize(by_start.size());
  std::vector<uint32_t> fill(out.lane_begin.begin(), out.lane_begin.end() - (lanes ? 1 : 0));
  for (uint32_t r : by_start) out.order[fill[out.lane[r]]++] = r;  // by_start keeps each lane in start order
  const size_t placed = out.order.size();
  out.dur.resize(placed);
  out.gap_after.assign(placed, INT64_MAX);
  for (uint32_t l = 0; l < lanes; ++l)
    for (uint32_t p = out.lane_begin[l]; p < out.lane_begin[l + 1]; ++p) {
      const uint32_t r = out.order[p];
      out.dur[p] = std::max<Ns>(end[r] - start[r], 0);
      if (p + 1 < out.lane_begin[l + 1]) out.gap_after[p] = start[out.order[p + 1]] - end[r];
    }
  const size_t blocks = (placed + RequestLanes::kBlock - 1) / RequestLanes::kBlock;
  out.block_max_dur.assign(blocks, 0);
  out.block_max_gap.assign(blocks, INT64_MIN);
  for (size_t p = 0; p < placed; ++p) {
    auto& d = out.block_max_dur[p / RequestLanes::kBlock];
    auto& g = out.block_max_gap[p / RequestLanes::kBlock];
    d = std::max(d, out.dur[p]);
    g = std::max(g, out.gap_after[p]);
  }
  return out;
}

uint32_t RequestLanes::fold_break(uint32_t from, Ns max_gap, Ns min_wide) const {
  const auto n = static_cast<uint32_t>(order.size());
  auto breaks = [&](uint32_t p) { return gap_after[p] > max_gap || dur[p] >= min_wide; };
  uint32_t p = from;
  for (; p < n && p % kBlock != 0; ++p)  // the rest of from's block
    if (breaks(p)) return p;
  while (p < n) {
    const uint32_t b = p / kBlock;
    if (block_max_gap[b] > max_gap || block_max_dur[b] >= min_wide) {
      for (const uint32_t end = std::min(n, p + kBlock); p < end; ++p)
        if (breaks(p)) return p;
      return n;  // unreachable: the block's maximum breaks
    }
    p += kBlock;
  }
  return n;
}

}  // namespace hp
