#include "core/session/request_lanes.h"

#include <algorithm>
#include <climits>
#include <functional>
#include <numeric>
#include <queue>

namespace hp {

namespace {

using Busy = std::pair<Ns, uint32_t>;  // (end, lane)
using BusyQueue = std::priority_queue<Busy, std::vector<Busy>, std::greater<>>;

// Places `rows` (by start, then row) greedily: each takes the lowest lane free at its start, given
// the lanes already open and when each is busy until. Returns the lane count.
uint32_t place(const RequestTable& rq, const std::vector<uint32_t>& rows, BusyQueue busy, uint32_t lanes,
               std::vector<uint32_t>& lane_of) {
  std::priority_queue<uint32_t, std::vector<uint32_t>, std::greater<>> free_lanes;
  for (uint32_t r : rows) {
    const Ns t = rq.start_of(r);
    while (!busy.empty() && busy.top().first <= t) {
      free_lanes.push(busy.top().second);
      busy.pop();
    }
    uint32_t l;
    if (free_lanes.empty()) {
      l = lanes++;
    } else {
      l = free_lanes.top();
      free_lanes.pop();
    }
    lane_of[r] = l;
    busy.push({std::max(rq.end_of(r), t), l});
  }
  return lanes;
}

// Positions [from, lane end) of lane l: each one's length and gap to the next of its lane.
void fill_lengths(RequestLanes& out, const RequestTable& rq, uint32_t l, uint32_t from) {
  Ns next_start = 0;
  for (uint32_t p = out.lane_begin[l + 1]; p-- > from;) {
    const uint32_t r = out.order[p];
    const Ns start = rq.start_of(r), end = rq.end_of(r);
    out.dur[p] = std::max<Ns>(end - start, 0);
    out.gap_after[p] = p + 1 < out.lane_begin[l + 1] ? next_start - end : INT64_MAX;
    next_start = start;
  }
}

// The maxima of length and gap per block of positions.
void fill_blocks(RequestLanes& out) {
  const size_t placed = out.order.size();
  const size_t blocks = (placed + RequestLanes::kBlock - 1) / RequestLanes::kBlock;
  out.block_max_dur.assign(blocks, 0);
  out.block_max_gap.assign(blocks, INT64_MIN);
  for (size_t b = 0; b < blocks; ++b) {
    const size_t end = std::min(placed, (b + 1) * RequestLanes::kBlock);
    for (size_t p = b * RequestLanes::kBlock; p < end; ++p) {
      out.block_max_dur[b] = std::max(out.block_max_dur[b], out.dur[p]);
      out.block_max_gap[b] = std::max(out.block_max_gap[b], out.gap_after[p]);
    }
  }
}

}  // namespace

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
  auto earlier = [&](uint32_t a, uint32_t b) { return rq.start_of(a) < rq.start_of(b); };
  if (!std::is_sorted(by_start.begin(), by_start.end(), earlier))  // arrival order usually is start order
    std::stable_sort(by_start.begin(), by_start.end(), earlier);
  const uint32_t lanes = place(rq, by_start, {}, 0, out.lane);
  std::vector<uint32_t> per_lane(lanes, 0);
  for (uint32_t r : by_start) ++per_lane[out.lane[r]];
  out.lane_begin.assign(lanes + 1, 0);
  for (uint32_t l = 0; l < lanes; ++l) out.lane_begin[l + 1] = out.lane_begin[l] + per_lane[l];
  out.order.resize(by_start.size());
  std::vector<uint32_t> fill(out.lane_begin.begin(), out.lane_begin.end() - (lanes ? 1 : 0));
  for (uint32_t r : by_start) out.order[fill[out.lane[r]]++] = r;  // by_start keeps each lane in start order
  out.dur.resize(out.order.size());
  out.gap_after.resize(out.order.size());
  for (uint32_t l = 0; l < lanes; ++l) fill_lengths(out, rq, l, out.lane_begin[l]);
  fill_blocks(out);
  return out;
}

RequestLanes extend_request_lanes(const RequestLanes& prev, const RequestTable& rq) {
  const size_t n0 = prev.lane.size(), n = rq.size();
  if (n0 == 0 || n0 > n) return pack_request_lanes(rq);
  // Rows that start before the earliest new start keep their lanes: the greedy pass reaches them
  // before any new row. The rest are placed again from the lanes' state at that time.
  Ns first_new = INT64_MAX;
  for (size_t i = n0; i < n; ++i)
    if (rq.start_of(i) != kNoTime) first_new = std::min(first_new, rq.start_of(i));
  RequestLanes out;
  out.lane.reserve(n);
  out.lane.assign(prev.lane.begin(), prev.lane.end());
  out.lane.resize(n, kNone);
  out.untimed = prev.untimed;
  for (size_t i = n0; i < n; ++i) out.untimed += rq.start_of(i) == kNoTime;
  const uint32_t old_lanes = prev.lanes();
  std::vector<uint32_t> kept(old_lanes);  // per lane: how many of its first positions stay
  std::vector<uint32_t> again;            // rows placed again, then by (start, row)
  size_t kept_total = 0;
  BusyQueue busy;
  uint32_t open = 0;
  for (uint32_t l = 0; l < old_lanes; ++l) {
    const uint32_t* b = prev.order.data() + prev.lane_begin[l];
    const uint32_t* e = prev.order.data() + prev.lane_begin[l + 1];
    const uint32_t* cut = std::partition_point(b, e, [&](uint32_t r) { return rq.start_of(r) < first_new; });
    kept[l] = static_cast<uint32_t>(cut - b);
    kept_total += kept[l];
    if (cut > b) {
      open = l + 1;  // lanes open in order, so the kept ones are a prefix
      busy.push({std::max(rq.end_of(cut[-1]), rq.start_of(cut[-1])), l});
    }
    again.insert(again.end(), cut, e);
  }
  for (size_t i = n0; i < n; ++i)
    if (rq.start_of(i) != kNoTime) again.push_back(static_cast<uint32_t>(i));
  std::sort(again.begin(), again.end(), [&](uint32_t a, uint32_t b) {
    const Ns sa = rq.start_of(a), sb = rq.start_of(b);
    return sa != sb ? sa < sb : a < b;
  });
  const uint32_t lanes = place(rq, again, std::move(busy), open, out.lane);
  // Lane by lane: the kept positions as they were (their length and gap too), then the placed ones.
  std::vector<uint32_t> placed_begin(lanes + 1, 0);  // `again` grouped by lane, in start order
  for (uint32_t r : again) ++placed_begin[out.lane[r] + 1];
  for (uint32_t l = 0; l < lanes; ++l) placed_begin[l + 1] += placed_begin[l];
  std::vector<uint32_t> placed(again.size());
  std::vector<uint32_t> at(placed_begin.begin(), placed_begin.end() - 1);
  for (uint32_t r : again) placed[at[out.lane[r]]++] = r;
  const size_t total = kept_total + again.size();
  out.lane_begin.reserve(lanes + 1);
  out.order.reserve(total);
  out.dur.reserve(total);
  out.gap_after.reserve(total);
  out.lane_begin.push_back(0);
  for (uint32_t l = 0; l < lanes; ++l) {
    const uint32_t keep = l < old_lanes ? kept[l] : 0;
    const uint32_t from = keep ? prev.lane_begin[l] : 0;
    out.order.insert(out.order.end(), prev.order.begin() + from, prev.order.begin() + from + keep);
    out.dur.insert(out.dur.end(), prev.dur.begin() + from, prev.dur.begin() + from + keep);
    out.gap_after.insert(out.gap_after.end(), prev.gap_after.begin() + from,
                         prev.gap_after.begin() + from + keep);
    out.order.insert(out.order.end(), placed.begin() + placed_begin[l], placed.begin() + placed_begin[l + 1]);
    out.lane_begin.push_back(static_cast<uint32_t>(out.order.size()));
    out.dur.resize(out.order.size());
    out.gap_after.resize(out.order.size());
    fill_lengths(out, rq, l, out.lane_begin[l] + (keep ? keep - 1 : 0));  // the last kept one's next changed
  }
  fill_blocks(out);
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
