#pragma once
// The serving data of one run as the capture and the log importers produce it and the run file
// stores it (core/store/serving_store.h): requests, metric series, log series, server events, meta.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/kv/kv_events.h"
#include "core/serving/metric_sample.h"
#include "core/serving/request_columns.h"

namespace hp {

namespace serving {
// A server-side request event from the server log (vLLM "Received request", "Added request",
// "Finished request", "Aborted request"), kept for client/server correlation by the reports.
// Stored in the table server_events(ts_ns, kind, request_id, raw_id, value).
struct ServerEvent {
  int64_t ts_ns = 0;       // epoch ns as the log clock says (no clock offset applied)
  std::string kind;        // "received" | "added" | "finished" | "aborted"
  std::string request_id;  // the client id when recoverable (the X-Request-Id we sent), else the raw id
  std::string raw_id;      // as logged
  int64_t value = -1;      // kind-specific (max_tokens for "received"), -1 when none
};
}  // namespace serving

struct ServingData {
  std::map<std::string, std::string> meta;  // engine, model, endpoint, flags, versions, ...
  std::vector<serving::RequestRecord> requests;
  // The requests as columns instead, when read with RequestForm::Columns (then `requests` is empty).
  serving::RequestColumns request_columns;
  std::vector<serving::MetricSeries> metrics;       // scraped or fleet series (canonical or raw names)
  std::vector<serving::MetricSeries> log_series;    // from server logs (iterations, stats lines)
  std::vector<serving::ServerEvent> server_events;  // per-request server log events, by time
  std::vector<kv::KvBlockEvent> kv_events;  // vLLM KV events (--kv-events), epoch ns, in arrival order
  bool empty() const {
    return requests.empty() && !request_columns.size() && metrics.empty() && log_series.empty() &&
           kv_events.empty();
  }
};

}  // namespace hp
