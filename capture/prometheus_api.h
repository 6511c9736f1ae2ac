#pragma once
// Fleet mode: reads serving series from a Prometheus server's HTTP API (/api/v1/query_range) instead of
// scraping each engine. The JSON matrix answer becomes MetricSeries (labels kept, __name__ as the name).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/serving/metric_sample.h"

namespace hp::capture {

struct RangeQuery {
  std::string base_url;  // "http://127.0.0.1:9090"
  std::string query;     // PromQL, e.g. {__name__="vllm:num_requests_running"}
  int64_t start_ns = 0, end_ns = 0;
  double step_s = 1;
};

// Parses a /api/v1/query_range (matrix) or /api/v1/query (vector) answer. Values "NaN", "+Inf", "-Inf"
// are kept as such. Returns false with *error on an error status or a malformed answer.
bool parse_prometheus_api_json(std::string_view json, std::vector<serving::MetricSeries>* out,
                               std::string* error);

// Runs one range query; false with *error when the server cannot be reached or refuses it.
bool query_range(const RangeQuery& q, std::vector<serving::MetricSeries>* out, std::string* error);

// The exposed series names (gauges, counters, histogram _sum/_count) of every concept in
// assets/metric_map.json, for `engine` ("" = every engine).
std::vector<std::string> canonical_series_names(std::string_view engine = {});

// PromQL selecting one series name exactly (names with ':' need the __name__ form only when quoted).
std::string name_selector(std::string_view name);

}  // namespace hp::capture
