#pragma once
// Per-request figures of a Session for the Requests table and its filter: one column per field, times
// in milliseconds (NaN when unknown), arrival relative to the session's first request. Times follow
// serve-report's definitions (client TTFT/TPOT/E2E from the send; queue, prefill from the server's
// events); where a client time is missing (a run rebuilt from a server log) the server's stands in.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/session/session.h"

namespace hp {

enum class RequestField : uint8_t {
  Arrival,
  Queue,
  Prefill,
  Ttft,
  Tpot,
  ItlP50,
  ItlMax,
  E2e,
  InTokens,
  CachedTokens,
  OutTokens,
  // Text fields (no numeric column):
  Id,
  Status,
  Replica,
};
inline constexpr size_t kNumericRequestFields = 11;
inline constexpr size_t kRequestFields = 14;

// Filter name ("ttft", "out_tokens", ...) and column title ("TTFT", "out", ...).
const char* field_name(RequestField f);
const char* field_title(RequestField f);
std::optional<RequestField> field_from_name(std::string_view name);
inline bool is_numeric(RequestField f) {
  return static_cast<size_t>(f) < kNumericRequestFields;
}
inline bool is_time(RequestField f) {
  return f <= RequestField::E2e;
}

struct RequestMetrics {
  std::array<std::vector<double>, kNumericRequestFields> column;
  double value(RequestField f, size_t row) const { return column[static_cast<size_t>(f)][row]; }
  size_t size() const { return column[0].size(); }
};

RequestMetrics request_metrics(const Session& s);

// A text field of a row: id, status ("ok", "http_error", ...) or replica.
std::string_view request_text(const Session& s, RequestField f, size_t row);

}  // namespace hp
