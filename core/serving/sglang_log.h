#pragma once
// SGLang scheduler log parser: `[YYYY-MM-DD HH:MM:SS[,ms][ DP0][ TP0]...] Prefill batch. ...` / `Decode
// batch. ...`. Fields are read by name from the comma-separated `key: value` list, so old ('.') and new (',')
// separators, hybrid-model variants and PD-only fields all parse. A trailing `timestamp: <ISO>` field refines
// the time. Times are taken as UTC unless utc_offset_s gives the log clock's offset. Retraction lines are
// kept too (SglangRetraction); the Decode line's `#retracted-req` (PD decode: requests waiting in the
// retracted queue) is a level, not a count of retractions.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hp::serving {

struct SglangBatch {
  int64_t ts_ns = 0;
  uint32_t line = 0;
  bool prefill = false;  // else decode
  int64_t iter = -1;     // "Prefill batch [N]" with SGLANG_LOG_FORWARD_ITERS
  int dp_rank = -1, tp_rank = -1, pp_rank = -1, ep_rank = -1;
  // -1 when the line does not carry the field.
  int64_t new_seq = -1, new_token = -1, cached_token = -1, num_token = -1;
  int64_t running_req = -1, queue_req = -1, prealloc_req = -1, inflight_req = -1, transfer_req = -1,
          retracted_req = -1;
  double token_usage = -1, swa_token_usage = -1, gen_throughput = -1, input_throughput = -1, accept_len = -1,
         accept_rate = -1;
  int cuda_graph = -1;  // 1/0 for True/False
};

// `KV cache pool is full. Retract requests. #retracted_reqs: N, ...` (or `Testing retraction. ...`): the
// scheduler took N running requests back to the queue to free KV cache, SGLang's preemption.
struct SglangRetraction {
  int64_t ts_ns = 0;
  uint32_t line = 0;
  int dp_rank = -1, tp_rank = -1;
  int64_t requests = 0;
};

struct SglangLog {
  std::vector<SglangBatch> batches;
  std::vector<SglangRetraction> retractions;
  uint32_t lines = 0;
  uint32_t prefixed = 0;              // lines with the [date time ranks] prefix
  uint32_t unprefixed = 0;            // others (uvicorn, tracebacks, tqdm)
  uint32_t malformed = 0;             // "Prefill batch"/"Decode batch" lines missing #running-req
  int64_t max_total_num_tokens = -1;  // "max_total_num_tokens=N" (the KV pool in tokens), -1 when absent
  int64_t tp_size = -1, pp_size = -1, dp_size = -1;  // server_args=ServerArgs(... tp_size=N ...)
};

SglangLog parse_sglang_log(std::string_view text, int64_t utc_offset_s = 0);

}  // namespace hp::serving
