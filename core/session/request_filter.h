#pragma once
// The Requests table's filter: expressions such as `ttft > 200ms && out_tokens > 100`.
//   expr    := and ('||' and)*
//   and     := unary ('&&' unary)*
//   unary   := '!' unary | '(' expr ')' | field op value
//   op      := < <= > >= == !=  (and ~ "contains" for text fields)
//   value   := number [ns|us|ms|s|k|M] | word | "quoted text"
// Numeric fields are request_metrics.h's (times in ms; a unit converts); text fields are id, status
// (ok, error, cancelled, ...) and replica. A comparison with an unknown (NaN) value is false, except `!=`.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/session/request_metrics.h"

namespace hp {

struct FilterNode;

class RequestFilter {
 public:
  // Throws std::invalid_argument "offset N: what was wrong" on a bad expression. Empty matches all.
  explicit RequestFilter(std::string_view expr);
  ~RequestFilter();
  RequestFilter(RequestFilter&&) noexcept;
  RequestFilter& operator=(RequestFilter&&) noexcept;

  bool empty() const { return !root_; }
  bool matches(const Session& s, const RequestMetrics& m, size_t row) const;
  // Rows that match, in row order.
  std::vector<uint32_t> apply(const Session& s, const RequestMetrics& m) const;

 private:
  std::unique_ptr<FilterNode> root_;
};

}  // namespace hp
