#pragma once
// vLLM server log parser (V0 and V1 engines). Pure: text in, typed records out.
// Line prefix: `[(Proc pid=N) ]LEVEL MM-DD HH:MM:SS[.fff] [file.py:N] message`. The log has no year: the
// caller passes one (a Dec->Jan wrap moves to the next year). Times are taken as UTC unless utc_offset_s says
// the log clock's offset (local = UTC + offset). uvicorn access lines carry no time: they inherit the
// previous line's.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace hp::serving {

struct VllmLogOptions {
  int year = 1970;
  int64_t utc_offset_s = 0;
};

// Periodic scheduler stats line (LoggingStatLogger). Absent integer fields are -1, absent rates NaN.
struct VllmStats {
  int64_t ts_ns = 0;
  uint32_t line = 0;
  bool v0 = false;
  int engine = -1;             // "Engine 000:" -> 0; -1 when aggregated or absent
  int engines_aggregated = 0;  // "<N> Engines Aggregated:" -> N
  double prompt_tps = 0, gen_tps = 0;
  int64_t running = 0, waiting = 0;  // V0 "Pending" goes to waiting
  int64_t preemptions = -1;          // V1 prints it only when > 0
  int64_t swapped = -1;              // V0 only
  double gpu_kv_usage_pct = 0;
  double cpu_kv_usage_pct = -1;  // V0 only
  double prefix_hit_pct = -1;    // V1 line, or V0's follow-on "Prefix cache hit rate: GPU: x%" line
  int64_t corrupted = -1;
  double external_prefix_hit_pct = -1, mm_hit_pct = -1;
};

// `Iteration(N): ...` from --enable-logging-iteration-details.
struct VllmIteration {
  int64_t ts_ns = 0;
  uint32_t line = 0;
  int64_t iter = 0, ctx_reqs = 0, ctx_tokens = 0, gen_reqs = 0, gen_tokens = 0;
  double elapsed_ms = 0;
  bool dummy = false;  // DP dummy step
};

enum class VllmRequestEventKind : uint8_t { Received, Added, Finished, Aborted };

struct VllmRequestEvent {
  int64_t ts_ns = 0;
  uint32_t line = 0;
  VllmRequestEventKind kind = VllmRequestEventKind::Received;
  std::string raw_id;     // as logged, e.g. "cmpl-98e4a319dfdf479b-0-96a7b89d"
  std::string server_id;  // engine's internal random suffix removed: "cmpl-98e4a319dfdf479b-0"
  std::string
      client_id;  // API prefix and prompt index removed: "98e4a319dfdf479b" (the X-Request-Id when sent)
  int64_t max_tokens = -1;  // from SamplingParams on Received lines
};

struct VllmAccess {
  int64_t ts_ns = 0;  // inherited from the last timestamped line
  uint32_t line = 0;
  std::string client, method, path;
  int status = 0;
};

struct VllmSpecDecode {
  int64_t ts_ns = 0;
  uint32_t line = 0;
  double mean_acceptance_length = 0, accepted_tps = 0, drafted_tps = 0;
  int64_t accepted = 0, drafted = 0;
  std::vector<double> per_position;
  double avg_acceptance_pct = -1;  // "nan" -> -1
};

// DEBUG engine-core lines (VLLM_LOGGING_LEVEL=DEBUG).
enum class VllmEngineEventKind : uint8_t { LoopActive, WaitingForWork, Batch };
struct VllmEngineEvent {
  int64_t ts_ns = 0;
  uint32_t line = 0;
  VllmEngineEventKind kind = VllmEngineEventKind::LoopActive;
  int64_t num_tokens = -1;  // BatchDescriptor(num_tokens=N, ...)
  int uniform_decode = -1;  // 1/0 when BatchDescriptor says uniform_decode=True/False
};

struct VllmCapacity {
  int64_t kv_cache_tokens = -1;         // "GPU KV cache size: 175,856 tokens"
  double available_kv_gib = -1;         // "Available KV cache memory: X GiB"
  int64_t max_concurrency_tokens = -1;  // "Maximum concurrency for N tokens per request: X x"
  double max_concurrency = -1;
  // The engine's config line ("tensor_parallel_size=4, pipeline_parallel_size=1, data_parallel_size=1").
  int64_t tensor_parallel_size = -1, pipeline_parallel_size = -1, data_parallel_size = -1;
  std::string model;  // the same lines' "model='openai/gpt-oss-120b'" or "'model': '...'"
};

struct VllmLog {
  std::vector<VllmStats> stats;
  std::vector<VllmIteration> iterations;
  std::vector<VllmRequestEvent> requests;
  std::vector<VllmAccess> access;
  std::vector<VllmSpecDecode> spec_decode;
  std::vector<VllmEngineEvent> engine_events;
  VllmCapacity capacity;
  uint32_t lines = 0;         // '\n' lines
  uint32_t segments = 0;      // '\r'-separated pieces, after ANSI removal
  uint32_t prefixed = 0;      // segments with a vLLM or uvicorn prefix
  uint32_t unrecognized = 0;  // prefixed segments whose message no rule matched (startup chatter, ...)
  uint32_t unprefixed = 0;    // segments without a prefix (tqdm bars, banners, tracebacks)
  uint32_t malformed = 0;     // segments that looked like a known record but failed to parse
};

VllmLog parse_vllm_log(std::string_view text, const VllmLogOptions& opt = {});

struct RequestIds {
  std::string server_id, client_id;
};
// vLLM request id -> (server id, client id). The engine appends "-<8 hex>" to the API server's id (newer V1);
// the API server prefixes "cmpl-"/"chatcmpl-"/"responses-" and, for completions, appends the prompt index
// "-<n>". The random suffix is removed only when it follows a prompt index ("cmpl-x-0-1a2b3c4d") or for
// chat/responses ids; an id that itself ends in 8 hex digits is ambiguous and matched against `known` server
// ids first.
RequestIds canonical_request_id(std::string_view raw, const std::unordered_set<std::string>* known = nullptr);

}  // namespace hp::serving
