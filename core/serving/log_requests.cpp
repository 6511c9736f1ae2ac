#include "core/serving/log_requests.h"

#include <fmt/format.h>

#include <unordered_map>

namespace hp::serving {

LogRequests requests_from_server_events(const std::vector<ServerEvent>& events) {
  LogRequests out;
  std::unordered_map<std::string, size_t> row;
  size_t received = 0, added = 0, finished = 0, aborted = 0;
  for (const auto& e : events) {
    if (e.request_id.empty()) continue;
    auto [it, fresh] = row.try_emplace(e.request_id, out.requests.size());
    if (fresh) {
      RequestRecord r;
      r.index = out.requests.size();
      r.request_id = e.request_id;
      r.server.method = CorrelationMethod::RequestId;
      out.requests.push_back(std::move(r));
    }
    RequestRecord& r = out.requests[it->second];
    // The first time of each kind wins (a retried id keeps its first arrival).
    auto set = [&](int64_t& field, size_t& count) {
      if (!field) field = e.ts_ns, ++count;
    };
    if (e.kind == "received") {
      set(r.server.received_ns, received);
      if (e.value > 0) r.max_tokens = static_cast<uint32_t>(e.value);
    } else if (e.kind == "added") {
      set(r.server.queued_ns, added);
    } else if (e.kind == "finished") {
      set(r.server.finished_ns, finished);
    } else if (e.kind == "aborted") {
      if (r.status != RequestStatus::Cancelled) ++aborted;
      r.status = RequestStatus::Cancelled;
      r.error = "aborted (server log)";
      if (!r.server.finished_ns) r.server.finished_ns = e.ts_ns;
    }
  }
  out.fields = fmt::format(
      "{} requests from server log lines: {} received, {} queued (Added), {} finished, {} aborted; no client "
      "times, tokens or chunk times",
      out.requests.size(), received, added, finished, aborted);
  return out;
}

}  // namespace hp::serving
