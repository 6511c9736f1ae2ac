#pragma once
// Joins client requests with the server's view of them (vLLM request log events).
//
// 1. By id: the client's X-Request-Id equals the canonical client id vLLM's ids carry (vllm_log.h
//    canonical_request_id), or the logged server/raw id itself.
// 2. Clock offset (server clock - client clock): the median of (server received - client sent) over the
//    id-matched pairs; its uncertainty is the larger of the log's timestamp resolution and half the
//    10th-90th percentile spread of those differences. With no id match, the offset comes from pairing the
//    i-th send with the i-th Received line in time order (median of the differences).
// 3. By time: each remaining client request takes the nearest unmatched Received event within `window_ns` of
//    (sent + offset), preferring one whose max_tokens agrees; its uncertainty adds the residual.
// Server times are stored in the server's clock in RequestRecord::server, with the offset to subtract.
#include <cstdint>
#include <string>
#include <vector>

#include "core/serving/request_record.h"
#include "core/serving/serving_data.h"
#include "core/serving/vllm_log.h"

namespace hp::serving {

struct CorrelateOptions {
  int64_t log_resolution_ns = 1000000000;  // vLLM log times have whole seconds
  int64_t window_ns = 2000000000;          // time-window match radius around sent + offset
};

struct CorrelationResult {
  std::string method = "none";  // "request-id", "time-window", "request-id+time-window", "none"
  size_t by_id = 0, by_time = 0, unmatched_client = 0, unmatched_server = 0;
  int64_t clock_offset_ns = 0, offset_uncertainty_ns = 0;
  size_t matched() const { return by_id + by_time; }
};

// Fills requests[i].server for the matched requests (warm-up ones included).
CorrelationResult correlate(std::vector<RequestRecord>& requests, const std::vector<VllmRequestEvent>& events,
                            const CorrelateOptions& opt = {});

// Server events as stored in a run (serving_store.h) -> the log parser's events (ids re-canonicalized).
std::vector<VllmRequestEvent> events_from_store(const std::vector<ServerEvent>& events);
// The store's form of parsed log events (request_id = the client id).
std::vector<ServerEvent> events_to_store(const std::vector<VllmRequestEvent>& events);

}  // namespace hp::serving
