#pragma once
// POSTs an OTLP/HTTP JSON export (core/report/serving_export.h otlp_json) to a collector's traces endpoint,
// e.g. http://localhost:4318/v1/traces, with libcurl's easy interface.
#include <string>

namespace hp {

struct OtlpPostResult {
  bool ok = false;       // 2xx
  long http_status = 0;  // 0 when no response
  std::string error;     // curl's message or the response body on a non-2xx answer (clipped)
};

// A URL without a path ("http://host:4318") gets "/v1/traces" appended.
std::string otlp_traces_url(const std::string& endpoint);
OtlpPostResult post_otlp_json(const std::string& endpoint, const std::string& body, long timeout_ms = 10000);

}  // namespace hp
