#include <catch2/catch.hpp>

#include "core/serving/trtllm_log.h"

using namespace hp::serving;

// Line shapes from reference/serving.md 1.3 (print_iter_log), current and older variants.
TEST_CASE("trtllm log: per-iteration lines", "[serving][trtllm_log]") {
  std::string text =
      "[08/04/2026-19:08:13] [TRT-LLM] [I] [_torch][RANK 0] iter = 42, global_rank = 0, rank = 0, "
      "num_scheduled_requests = 8, kv_cache_util = 0.125, currank_total_requests = 1/8, host_step_time = "
      "5.5ms, "
      "prev_device_step_time = 11.969311714172363ms, timestamp = 2026-08-04 19:08:13, states = "
      "{'num_ctx_requests': "
      "1, 'num_ctx_tokens': 512, 'num_generation_tokens': 7, 'cached_kv_tokens': 63821}\n"
      "[TRT-LLM] [I] iter = 43, global_rank = 1, rank = 1, currank_total_requests = 0/2, host_step_time = "
      "4.0ms, "
      "prev_device_step_time = N/A, timestamp = 08-23-2026 01:02:03, num_scheduled_requests: 3, states = "
      "{'num_ctx_requests': 0, 'num_ctx_tokens': 0, 'num_generation_tokens': 3}\n"
      "[TRT-LLM] [I] iter = 44, host_step_time = 4.0ms\n"
      "unrelated line\n";
  auto log = parse_trtllm_log(text);
  CHECK(log.lines == 4);
  CHECK(log.malformed == 1);
  REQUIRE(log.iterations.size() == 2);
  const auto& a = log.iterations[0];
  CHECK(a.iter == 42);
  CHECK(a.global_rank == 0);
  CHECK(a.num_scheduled_requests == 8);
  CHECK(a.kv_cache_util == 0.125);
  CHECK(a.active_requests == 1);
  CHECK(a.total_requests == 8);
  CHECK(a.host_step_ms == 5.5);
  CHECK(a.prev_device_step_ms == 11.969311714172363);
  CHECK(a.ts_ns == 1785870493000000000LL);
  CHECK(a.ctx_requests == 1);
  CHECK(a.ctx_tokens == 512);
  CHECK(a.gen_tokens == 7);
  CHECK(a.cached_kv_tokens == 63821);
  const auto& b = log.iterations[1];
  CHECK(b.iter == 43);
  CHECK(b.rank == 1);
  CHECK(b.prev_device_step_ms == -1);  // N/A
  CHECK(b.num_scheduled_requests == 3);
  CHECK(b.ts_ns == 1787446923000000000LL);
  CHECK(b.ctx_tokens == 0);
  CHECK(b.gen_tokens == 3);
  CHECK(b.cached_kv_tokens == -1);
}
