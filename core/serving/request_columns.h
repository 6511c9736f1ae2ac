#pragma once
// Requests as columns: what a run file's requests_columns decode into, and what the Session builder
// reads, so that a million requests never become a million heap-allocated records on the way.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/serving/request_record.h"

namespace hp::serving {

// Strings back to back: row i is chars[end[i-1], end[i]).
struct StringColumn {
  std::vector<uint64_t> end;
  std::string chars;
  std::string_view at(size_t i) const {
    const uint64_t b = i ? end[i - 1] : 0;
    return std::string_view(chars).substr(b, end[i] - b);
  }
  void push_back(std::string_view s) {
    chars += s;
    end.push_back(chars.size());
  }
};

// The fields of RequestRecord, one vector each (index = row). Token chunk times of row i are
// chunk_ns[chunks_end[i-1], chunks_end[i]).
struct RequestColumns {
  std::vector<int64_t> scheduled_ns, sent_ns, first_chunk_ns, first_token_ns, end_ns;
  std::vector<int64_t> srv_received_ns, srv_queued_ns, srv_scheduled_ns, srv_first_token_ns, srv_finished_ns;
  std::vector<int64_t> srv_clock_offset_ns, srv_offset_uncertainty_ns;
  std::vector<CorrelationMethod> srv_method;
  std::vector<uint32_t> prompt_tokens, output_tokens, cached_tokens, max_tokens;
  std::vector<int32_t> http_status;
  std::vector<uint8_t> warmup, tokens_from_usage;
  std::vector<RequestStatus> status;
  StringColumn request_id, endpoint, purpose, error;
  std::vector<uint64_t> chunks_end;
  std::vector<int64_t> chunk_ns;
  size_t size() const { return sent_ns.size(); }
  size_t chunks_begin(size_t i) const { return i ? chunks_end[i - 1] : 0; }
};

RequestColumns to_columns(const std::vector<RequestRecord>& rows);
std::vector<RequestRecord> to_records(const RequestColumns& cols);

}  // namespace hp::serving
