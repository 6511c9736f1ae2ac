#include "core/serving/request_columns.h"

namespace hp::serving {

RequestColumns to_columns(const std::vector<RequestRecord>& rows) {
  RequestColumns c;
  for (const auto& r : rows) {
    c.scheduled_ns.push_back(r.scheduled_ns);
    c.sent_ns.push_back(r.sent_ns);
    c.first_chunk_ns.push_back(r.first_chunk_ns);
    c.first_token_ns.push_back(r.first_token_ns);
    c.end_ns.push_back(r.end_ns);
    c.srv_received_ns.push_back(r.server.received_ns);
    c.srv_queued_ns.push_back(r.server.queued_ns);
    c.srv_scheduled_ns.push_back(r.server.scheduled_ns);
    c.srv_first_token_ns.push_back(r.server.first_token_ns);
    c.srv_finished_ns.push_back(r.server.finished_ns);
    c.srv_clock_offset_ns.push_back(r.server.clock_offset_ns);
    c.srv_offset_uncertainty_ns.push_back(r.server.offset_uncertainty_ns);
    c.srv_method.push_back(r.server.method);
    c.prompt_tokens.push_back(r.prompt_tokens);
    c.output_tokens.push_back(r.output_tokens);
    c.cached_tokens.push_back(r.cached_tokens);
    c.max_tokens.push_back(r.max_tokens);
    c.http_status.push_back(r.http_status);
    c.warmup.push_back(r.warmup);
    c.tokens_from_usage.push_back(r.tokens_from_usage);
    c.status.push_back(r.status);
    c.request_id.push_back(r.request_id);
    c.endpoint.push_back(r.endpoint);
    c.purpose.push_back(r.purpose);
    c.error.push_back(r.error);
    c.chunk_ns.insert(c.chunk_ns.end(), r.token_chunk_ns.begin(), r.token_chunk_ns.end());
    c.chunks_end.push_back(c.chunk_ns.size());
  }
  return c;
}

std::vector<RequestRecord> to_records(const RequestColumns& c) {
  std::vector<RequestRecord> rows(c.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    RequestRecord& r = rows[i];
    r.index = i;
    r.scheduled_ns = c.scheduled_ns[i];
    r.sent_ns = c.sent_ns[i];
    r.first_chunk_ns = c.first_chunk_ns[i];
    r.first_token_ns = c.first_token_ns[i];
    r.end_ns = c.end_ns[i];
    r.server.received_ns = c.srv_received_ns[i];
    r.server.queued_ns = c.srv_queued_ns[i];
    r.server.scheduled_ns = c.srv_scheduled_ns[i];
    r.server.first_token_ns = c.srv_first_token_ns[i];
    r.server.finished_ns = c.srv_finished_ns[i];
    r.server.clock_offset_ns = c.srv_clock_offset_ns[i];
    r.server.offset_uncertainty_ns = c.srv_offset_uncertainty_ns[i];
    r.server.method = c.srv_method[i];
    r.prompt_tokens = c.prompt_tokens[i];
    r.output_tokens = c.output_tokens[i];
    r.cached_tokens = c.cached_tokens[i];
    r.max_tokens = c.max_tokens[i];
    r.http_status = c.http_status[i];
    r.warmup = c.warmup[i] != 0;
    r.tokens_from_usage = c.tokens_from_usage[i] != 0;
    r.status = c.status[i];
    r.request_id = c.request_id.at(i);
    r.endpoint = c.endpoint.at(i);
    r.purpose = c.purpose.at(i);
    r.error = c.error.at(i);
    r.token_chunk_ns.assign(c.chunk_ns.begin() + static_cast<std::ptrdiff_t>(c.chunks_begin(i)),
                            c.chunk_ns.begin() + static_cast<std::ptrdiff_t>(c.chunks_end[i]));
  }
  return rows;
}

}  // namespace hp::serving
