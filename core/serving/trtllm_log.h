#pragma once
// TensorRT-LLM per-iteration log (`print_iter_log: true`):
// `[TRT-LLM] [I] iter = N, global_rank = r, rank = r, num_scheduled_requests = n, kv_cache_util = f,
//  currank_total_requests = a/b, host_step_time = Xms, prev_device_step_time = Yms, timestamp = ..., states =
//  {'num_ctx_requests': c, 'num_ctx_tokens': t, 'num_generation_tokens': g[, 'cached_kv_tokens': k]}`.
// Fields are read by name (`k = v` or the older `k: v`), so their order and presence may vary.
#include <cstdint>
#include <string_view>
#include <vector>

namespace hp::serving {

struct TrtllmIteration {
  int64_t ts_ns = 0;  // from `timestamp = YYYY-MM-DD HH:MM:SS` or `MM-DD-YYYY HH:MM:SS` (UTC); 0 when absent
  uint32_t line = 0;
  int64_t iter = 0;
  int global_rank = -1, rank = -1;
  int64_t num_scheduled_requests = -1;
  double kv_cache_util = -1;
  int64_t active_requests = -1, total_requests = -1;  // currank_total_requests = a/b
  double host_step_ms = -1;
  double prev_device_step_ms = -1;  // -1 for "N/A"
  int64_t ctx_requests = -1, ctx_tokens = -1, gen_tokens = -1, cached_kv_tokens = -1;
};

struct TrtllmLog {
  std::vector<TrtllmIteration> iterations;
  uint32_t lines = 0;
  uint32_t malformed = 0;  // "iter = " lines without a states dict
};

TrtllmLog parse_trtllm_log(std::string_view text);

}  // namespace hp::serving
