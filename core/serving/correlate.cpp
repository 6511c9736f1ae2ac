#include "core/serving/correlate.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <unordered_map>

#include "core/serving/latency_stats.h"

namespace hp::serving {

namespace {
// One server-side request, assembled from its Received/Added/Finished/Aborted lines.
struct ServerReq {
  std::string client_id, server_id;
  int64_t received = 0, added = 0, finished = 0, max_tokens = -1;
  bool taken = false;
};

int64_t median_of(std::vector<double> v) {
  return static_cast<int64_t>(percentile(v, 50));
}
}  // namespace

CorrelationResult correlate(std::vector<RequestRecord>& requests, const std::vector<VllmRequestEvent>& events,
                            const CorrelateOptions& opt) {
  CorrelationResult res;
  std::vector<ServerReq> srv;
  std::unordered_map<std::string, size_t> by_server_id;
  for (const auto& e : events) {
    auto [it, added] = by_server_id.try_emplace(e.server_id, srv.size());
    if (added) srv.push_back({e.client_id, e.server_id});
    ServerReq& s = srv[it->second];
    switch (e.kind) {
      case VllmRequestEventKind::Received:
        s.received = e.ts_ns;
        s.max_tokens = e.max_tokens;
        break;
      case VllmRequestEventKind::Added:
        s.added = e.ts_ns;
        break;
      case VllmRequestEventKind::Finished:
      case VllmRequestEventKind::Aborted:
        s.finished = e.ts_ns;
        break;
    }
  }
  for (auto& s : srv)
    if (!s.received) s.received = s.added;  // V1 without request logging: Added is the first sighting
  std::unordered_map<std::string, size_t> by_id;
  for (size_t i = 0; i < srv.size(); ++i) {
    by_id.try_emplace(srv[i].client_id, i);
    by_id.try_emplace(srv[i].server_id, i);
  }
  auto fill = [](RequestRecord& r, const ServerReq& s, CorrelationMethod m) {
    r.server.received_ns = s.received;
    r.server.queued_ns = s.added;
    r.server.finished_ns = s.finished;
    r.server.method = m;
  };

  std::vector<double> deltas;
  std::vector<bool> matched(requests.size(), false);
  for (size_t i = 0; i < requests.size(); ++i) {
    auto& r = requests[i];
    if (r.request_id.empty()) continue;
    auto it = by_id.find(r.request_id);
    if (it == by_id.end() || srv[it->second].taken) continue;
    ServerReq& s = srv[it->second];
    s.taken = true;
    matched[i] = true;
    fill(r, s, CorrelationMethod::RequestId);
    ++res.by_id;
    if (s.received && r.sent_ns) deltas.push_back(static_cast<double>(s.received - r.sent_ns));
  }

  if (!deltas.empty()) {
    res.clock_offset_ns = median_of(deltas);
    auto d = deltas;
    const double spread = (percentile(d, 90) - percentile(d, 10)) / 2;
    res.offset_uncertainty_ns = std::max<int64_t>(opt.log_resolution_ns, static_cast<int64_t>(spread));
  } else {
    // Order pairing: i-th send with i-th Received (both sorted by time).
    std::vector<int64_t> sends, recv;
    for (const auto& r : requests)
      if (r.sent_ns) sends.push_back(r.sent_ns);
    for (const auto& s : srv)
      if (s.received) recv.push_back(s.received);
    std::sort(sends.begin(), sends.end());
    std::sort(recv.begin(), recv.end());
    std::vector<double> d;
    for (size_t i = 0; i < std::min(sends.size(), recv.size()); ++i)
      d.push_back(static_cast<double>(recv[i] - sends[i]));
    if (!d.empty()) {
      res.clock_offset_ns = median_of(d);
      const double spread = (percentile(d, 90) - percentile(d, 10)) / 2;
      res.offset_uncertainty_ns = std::max<int64_t>(opt.log_resolution_ns, static_cast<int64_t>(spread));
    }
  }

  // Time-window match of the rest, in send order.
  std::vector<size_t> free_srv;
  for (size_t i = 0; i < srv.size(); ++i)
    if (!srv[i].taken && srv[i].received) free_srv.push_back(i);
  std::sort(free_srv.begin(), free_srv.end(),
            [&](size_t a, size_t b) { return srv[a].received < srv[b].received; });
  std::vector<size_t> order;
  for (size_t i = 0; i < requests.size(); ++i)
    if (!matched[i] && requests[i].sent_ns) order.push_back(i);
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return requests[a].sent_ns < requests[b].sent_ns; });
  for (size_t i : order) {
    auto& r = requests[i];
    const int64_t expect = r.sent_ns + res.clock_offset_ns;
    size_t best = SIZE_MAX;
    int64_t best_err = std::numeric_limits<int64_t>::max();
    bool best_tokens = false;
    for (size_t k : free_srv) {
      const ServerReq& s = srv[k];
      if (s.taken) continue;
      const int64_t err = std::llabs(s.received - expect);
      if (err > opt.window_ns) continue;
      const bool tokens = r.max_tokens && s.max_tokens == static_cast<int64_t>(r.max_tokens);
      if (best == SIZE_MAX || (tokens && !best_tokens) || (tokens == best_tokens && err < best_err)) {
        best = k;
        best_err = err;
        best_tokens = tokens;
      }
    }
    if (best == SIZE_MAX) continue;
    srv[best].taken = true;
    matched[i] = true;
    fill(r, srv[best], CorrelationMethod::TimeWindow);
    r.server.offset_uncertainty_ns = res.offset_uncertainty_ns + best_err;
    ++res.by_time;
  }
  for (size_t i = 0; i < requests.size(); ++i) {
    if (!matched[i]) continue;
    requests[i].server.clock_offset_ns = res.clock_offset_ns;
    if (requests[i].server.method == CorrelationMethod::RequestId)
      requests[i].server.offset_uncertainty_ns = res.offset_uncertainty_ns;
  }
  res.unmatched_client = static_cast<size_t>(std::count(matched.begin(), matched.end(), false));
  for (const auto& s : srv) res.unmatched_server += !s.taken;
  res.method = res.by_id && res.by_time ? "request-id+time-window"
               : res.by_id              ? "request-id"
               : res.by_time            ? "time-window"
                                        : "none";
  return res;
}

std::vector<VllmRequestEvent> events_from_store(const std::vector<ServerEvent>& events) {
  std::vector<VllmRequestEvent> out;
  for (const auto& e : events) {
    VllmRequestEvent v;
    v.ts_ns = e.ts_ns;
    if (e.kind == "received")
      v.kind = VllmRequestEventKind::Received;
    else if (e.kind == "added")
      v.kind = VllmRequestEventKind::Added;
    else if (e.kind == "finished")
      v.kind = VllmRequestEventKind::Finished;
    else if (e.kind == "aborted")
      v.kind = VllmRequestEventKind::Aborted;
    else
      continue;
    v.raw_id = e.raw_id.empty() ? e.request_id : e.raw_id;
    RequestIds ids = canonical_request_id(v.raw_id);
    v.server_id = ids.server_id;
    v.client_id = e.request_id.empty() ? ids.client_id : e.request_id;
    if (v.kind == VllmRequestEventKind::Received) v.max_tokens = e.value;
    out.push_back(std::move(v));
  }
  return out;
}

std::vector<ServerEvent> events_to_store(const std::vector<VllmRequestEvent>& events) {
  static const char* kKinds[] = {"received", "added", "finished", "aborted"};
  std::vector<ServerEvent> out;
  for (const auto& e : events)
    out.push_back({e.ts_ns, kKinds[static_cast<int>(e.kind)], e.client_id, e.raw_id,
                   e.kind == VllmRequestEventKind::Received ? e.max_tokens : -1});
  return out;
}

}  // namespace hp::serving
