#include "core/session/request_lanes.h"

#include <algorithm>
#include <functional>
#include <numeric>
#include <queue>

namespace hp {

RequestLanes pack_request_lanes(const RequestTable& rq) {
  RequestLanes out;
  const size_t n = rq.size();
  out.lane.assign(n, kNone);
  std::vector<uint32_t> by_start;
  by_start.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (rq.start_of(i) == kNoTime)
      ++out.untimed;
    else
      by_start.push_back(static_cast<uint32_t>(i));
  }
  std::stable_sort(by_start.begin(), by_start.end(),
                   [&](uint32_t a, uint32_t b) { return rq.start_of(a) < rq.start_of(b); });
  using Busy = std::pair<Ns, uint32_t>;  // (end, lane)
  std::priority_queue<Busy, std::vector<Busy>, std::greater<>> busy;
  std::priority_queue<uint32_t, std::vector<uint32_t>, std::greater<>> free_lanes;
  uint32_t lanes = 0;
  std::vector<uint32_t> per_lane;
  for (uint32_t r : by_start) {
    const Ns start = rq.start_of(r);
    while (!busy.empty() && busy.top().first <= start) {
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
    busy.push({std::max(rq.end_of(r), start), l});
  }
  out.lane_begin.assign(lanes + 1, 0);
  for (uint32_t l = 0; l < lanes; ++l) out.lane_begin[l + 1] = out.lane_begin[l] + per_lane[l];
  out.order.resize(by_start.size());
  std::vector<uint32_t> fill(out.lane_begin.begin(), out.lane_begin.end() - (lanes ? 1 : 0));
  for (uint32_t r : by_start) out.order[fill[out.lane[r]]++] = r;  // by_start keeps each lane in start order
  return out;
}

}  // namespace hp
