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
  uint32_t lanes() const { return lane_begin.empty() ? 0 : static_cast<uint32_t>(lane_begin.size() - 1); }
};

RequestLanes pack_request_lanes(const RequestTable& requests);

}  // namespace hp
