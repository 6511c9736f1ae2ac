#pragma once
// Requests rebuilt from a server log alone, when no client measured them: one per request id of the
// log's per-request lines (vLLM `Received request`, `Added request`, `Finished request`, `Aborted
// request`; the ids normalised as correlate.h does, so `cmpl-X-0` and `cmpl-X-0-<8 hex>` are one).
// Only server-side times are known: received, queued (Added) and finished; client times stay 0 and
// server.method is RequestId with a zero offset (the times are the server's own). max_tokens comes
// from the Received line's SamplingParams; an aborted request is Cancelled. SGLang and TensorRT-LLM
// logs carry no per-request lines at INFO, so they give no requests.
#include <string>
#include <vector>

#include "core/serving/serving_data.h"

namespace hp::serving {

struct LogRequests {
  std::vector<RequestRecord> requests;  // in order of first appearance
  std::string fields;                   // which fields the log gave, for meta["requests.from_log"]
};

LogRequests requests_from_server_events(const std::vector<ServerEvent>& events);

}  // namespace hp::serving
