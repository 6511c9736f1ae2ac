#pragma once
// `hotpath export RUN --format json|csv|otlp|chrome`: a serving run in formats other tools read.
//   json    one object {format, version, meta, requests[], metrics[], log_series[]}; times are int64 epoch
//   ns. csv     <stem>_requests.csv (one row per request) and <stem>_metrics.csv (source, series, ts_ns,
//   value). otlp    OTLP/HTTP JSON (ExportTraceServiceRequest): per request a root span "llm.request" (kind
//   CLIENT,
//           send -> last byte) with children "llm.queue" (server queue, when the server log told),
//           "llm.prefill" (schedule or send -> first token) and "llm.decode" (first token -> last byte);
//           epoch-ns timestamps in the client's clock (server times shifted by the estimated offset); trace
//           and span ids are FNV-1a hashes of the request id, so re-exports are identical.
//   chrome  Chrome trace JSON for Perfetto: pid 1 "requests" with one thread per concurrency slot (a request
//           takes the lowest slot free at its send time), an X event per request with its phases nested; pid
//           2 "metrics" with a C event per sample of every gauge/counter series (histogram parts skipped).
// Meta values are redacted again here (credential keys, KEY=value pairs, hf_ tokens, --api-key values).
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/store/serving_store.h"

namespace hp {

// Meta with credentials removed (defence in depth: the store already redacts).
std::map<std::string, std::string> redacted_meta(const std::map<std::string, std::string>& meta);

nlohmann::json serving_json(const ServingData& data);
std::string requests_csv(const ServingData& data);
std::string metrics_csv(const ServingData& data);
nlohmann::json otlp_json(const ServingData& data);
std::string chrome_trace_json(const ServingData& data);

// Deterministic ids: 32 and 16 lowercase hex digits, never all zero.
std::string otlp_trace_id(const std::string& request_key);
std::string otlp_span_id(const std::string& request_key, const std::string& span_name);

// Writes the format's files into out_dir (created) as <stem>...; returns their paths. Throws
// std::runtime_error on an unknown format or a write failure.
std::vector<std::filesystem::path> export_serving(const ServingData& data, const std::string& format,
                                                  const std::filesystem::path& out_dir,
                                                  const std::string& stem);

}  // namespace hp
