#pragma once
// Requests packed into lanes for the timeline: each request takes the lowest lane that is free at its
// start, so no two requests of a lane overlap and the lane count is the peak concurrency. Requests
// with no start time are counted, not placed.
#include <cstdint>
#include <vector>

#include "core/session/session.h"

namespace hp {

struct RequestLanes {
  std::vector<uint32_t> lane;        // per request; kNone when it has no start time
  std::vector<uint32_t> lane_begin;  // rows of lane k: order[lane_begin[k] .. lane_begin[k + 1])
  std::vector<uint32_t> order;       // request rows by (lane, start)
  uint32_t untimed = 0;
  // Level of detail, per position of `order`: the request's length and the gap to the next one of
  // its lane (INT64_MAX at a lane's end), with their maxima per block of kBlock positions.
  static constexpr uint32_t kBlock = 64;
  std::vector<Ns> dur, gap_after, block_max_dur, block_max_gap;
  uint32_t lanes() const { return lane_begin.empty() ? 0 : static_cast<uint32_t>(lane_begin.size() - 1); }
  // The first position p >= from whose gap_after exceeds max_gap or whose dur reaches min_wide:
  // where a fold of narrow, touching requests starting at `from` must end. order.size() when none.
  uint32_t fold_break(uint32_t from, Ns max_gap, Ns min_wide) const;
};

RequestLanes pack_request_lanes(const RequestTable& requests);
// The same lanes as pack_request_lanes(requests) when `prev` packed its first prev.lane.size() rows
// and the rest were appended since: only rows starting at or after the earliest new start are placed
// again (a live capture's newest requests), the rest keep theirs.
RequestLanes extend_request_lanes(const RequestLanes& prev, const RequestTable& requests);

}  // namespace hp
