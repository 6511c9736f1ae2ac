#pragma once
// One request's lifecycle as measured by the replay client and, where the server log or metrics
// tell, as seen by the server. All times are ns since the Unix epoch (0 = unknown).
// Definitions follow `vllm bench serve`:
//   TTFT = first chunk carrying content - send;  ITL = gaps between content chunks;
//   TPOT = (E2E - TTFT) / (output_tokens - 1);   E2E = last byte - send.
#include <cstdint>
#include <string>
#include <vector>

namespace hp::serving {

enum class RequestStatus : uint8_t {
  Ok,
  HttpError,     // non-2xx; http_status holds the code
  Timeout,       // no byte for the read timeout, or over the total timeout
  Disconnect,    // the connection closed before [DONE] / the final chunk
  Malformed,     // the SSE stream or its JSON could not be parsed
  ConnectError,  // could not connect / send
  Cancelled,     // the run ended (duration) while in flight
};
const char* to_string(RequestStatus s);

enum class CorrelationMethod : uint8_t { None, RequestId, TimeWindow };

struct ServerSide {
  int64_t received_ns = 0;   // vLLM "Received request" / access log
  int64_t queued_ns = 0;     // "Added request" (enters the waiting queue)
  int64_t scheduled_ns = 0;  // first iteration that ran it (prefill start), when known
  int64_t first_token_ns = 0;
  int64_t finished_ns = 0;
  CorrelationMethod method = CorrelationMethod::None;
  int64_t clock_offset_ns = 0;        // server clock - client clock, as estimated
  int64_t offset_uncertainty_ns = 0;  // +- bound of that estimate
};

struct RequestRecord {
  uint64_t index = 0;          // order of scheduling in the run
  std::string request_id;      // the X-Request-Id we sent
  std::string endpoint;        // "/v1/completions" or "/v1/chat/completions"
  bool warmup = false;         // excluded from reports
  std::string purpose;         // "" for measured traffic, "probe:prefill" / "probe:decode" (excluded too)
  int64_t scheduled_ns = 0;    // when the arrival process wanted it sent
  int64_t sent_ns = 0;         // when the request was written on its (established) connection
  int64_t first_chunk_ns = 0;  // first SSE event of any kind
  int64_t first_token_ns = 0;  // first chunk with non-empty content (TTFT reference)
  int64_t end_ns = 0;
  std::vector<int64_t> token_chunk_ns;  // arrival of every chunk that carried content
  uint32_t prompt_tokens = 0;
  uint32_t output_tokens = 0;
  uint32_t cached_tokens = 0;      // usage.prompt_tokens_details.cached_tokens when the server reports it
  bool tokens_from_usage = false;  // from stream_options.include_usage, else counted chunks
  uint32_t max_tokens = 0;
  RequestStatus status = RequestStatus::Ok;
  int http_status = 0;
  std::string error;  // curl or server error text (never contains credentials)
  ServerSide server;

  int64_t ttft_ns() const { return first_token_ns && sent_ns ? first_token_ns - sent_ns : -1; }
  int64_t e2e_ns() const { return end_ns && sent_ns ? end_ns - sent_ns : -1; }
  // -1 when undefined (fewer than two output tokens).
  int64_t tpot_ns() const {
    return output_tokens > 1 && ttft_ns() >= 0 ? (e2e_ns() - ttft_ns()) / (output_tokens - 1) : -1;
  }
};

}  // namespace hp::serving
