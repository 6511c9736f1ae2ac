#include <catch2/catch.hpp>

#include <set>

#include "core/serving/vllm_log.h"
#include "tests/core/serving/read_test_file.h"

using namespace hp::serving;
using hp::serving::test::read_file;

namespace {
size_t count_kind(const VllmLog& log, VllmRequestEventKind k) {
  size_t n = 0;
  for (const auto& r : log.requests) n += r.kind == k;
  return n;
}
}  // namespace

// Counts from shared/fixtures/PROVENANCE.md section 4 (grep-style, after ANSI stripping).
TEST_CASE("vllm log: v0.15.0 gpt-oss-120b TP4 server log (profilemate)", "[serving][vllm_log]") {
  std::string text = read_file(std::string(HOTPATH_TEST_DATA) +
                               "/logs/vllm_v0.15.0_gptoss120b_tp4_profilemate_server.log.gz");
  REQUIRE(text.size() == 1963290);
  auto log = parse_vllm_log(text, {2026, 0});
  CHECK(log.lines == 8934);
  CHECK(log.stats.size() == 12);
  CHECK(count_kind(log, VllmRequestEventKind::Received) == 513);
  CHECK(count_kind(log, VllmRequestEventKind::Added) == 513);
  CHECK(count_kind(log, VllmRequestEventKind::Finished) == 0);
  CHECK(log.iterations.size() == 7241);
  CHECK(log.access.size() == 513);
  CHECK(log.malformed == 0);
  CHECK(log.unprefixed > 0);  // tqdm bars and banners are counted, not parsed

  // (APIServer pid=82641) INFO 02-01 13:22:01 [loggers.py:257] Engine 000: Avg prompt throughput: 7296.4
  // tokens/s, Avg generation throughput: 6.5 tokens/s, Running: 13 reqs, Waiting: 115 reqs, GPU KV cache
  // usage: 0.8%, Prefix cache hit rate: 1.5%
  const auto& s0 = log.stats[0];
  CHECK(s0.line == 408);
  CHECK(s0.ts_ns == 1769952121000000000LL);  // 2026-02-01 13:22:01 UTC
  CHECK(s0.engine == 0);
  CHECK(s0.prompt_tps == 7296.4);
  CHECK(s0.gen_tps == 6.5);
  CHECK(s0.running == 13);
  CHECK(s0.waiting == 115);
  CHECK(s0.preemptions == -1);
  CHECK(s0.gpu_kv_usage_pct == 0.8);
  CHECK(s0.prefix_hit_pct == 1.5);
  CHECK_FALSE(s0.v0);
  CHECK(log.stats[11].prefix_hit_pct == 2.2);
  CHECK(log.stats[11].ts_ns - s0.ts_ns == 110000000000LL);

  // Iteration(0): 1 context requests, 1 context tokens, 0 generation requests, 0 generation tokens, ... 36.68
  // ms
  const auto& it0 = log.iterations[0];
  CHECK(it0.iter == 0);
  CHECK(it0.ctx_reqs == 1);
  CHECK(it0.ctx_tokens == 1);
  CHECK(it0.gen_reqs == 0);
  CHECK(it0.gen_tokens == 0);
  CHECK(it0.elapsed_ms == 36.68);
  CHECK(log.iterations[1].gen_tokens == 1);
  CHECK(log.iterations[1].elapsed_ms == 4.52);
  CHECK(log.iterations.back().iter == 7240);
  CHECK(log.iterations.back().elapsed_ms == 0.02);

  // Received request cmpl-98e4a319dfdf479b-0: params: SamplingParams(... max_tokens=5 ...)
  // Added request cmpl-98e4a319dfdf479b-0-96a7b89d.
  const auto& r0 = log.requests[0];
  CHECK(r0.kind == VllmRequestEventKind::Received);
  CHECK(r0.raw_id == "cmpl-98e4a319dfdf479b-0");
  CHECK(r0.server_id == "cmpl-98e4a319dfdf479b-0");
  CHECK(r0.client_id == "98e4a319dfdf479b");
  CHECK(r0.max_tokens == 5);
  std::set<std::string> received, added;
  size_t max10240 = 0;
  for (const auto& r : log.requests) {
    if (r.kind == VllmRequestEventKind::Received)
      received.insert(r.server_id), max10240 += r.max_tokens == 10240;
    if (r.kind == VllmRequestEventKind::Added) {
      added.insert(r.server_id);
      CHECK(r.raw_id.size() == r.server_id.size() + 9);  // "-<8 hex>" stripped
    }
  }
  CHECK(max10240 == 512);
  CHECK(received.size() == 513);
  CHECK(added == received);  // every Added id maps back to its Received id

  CHECK(log.access[0].method == "POST");
  CHECK(log.access[0].path == "/v1/completions");
  CHECK(log.access[0].status == 200);
  CHECK(log.access[0].client == "127.0.0.1:59234");
  CHECK(log.access[0].ts_ns > 0);  // inherited from the previous timestamped line

  CHECK(log.capacity.kv_cache_tokens == 5863776);
  CHECK(log.capacity.available_kv_gib == 100.66);
  CHECK(log.capacity.max_concurrency_tokens == 131072);
  CHECK(log.capacity.max_concurrency == 84.12);
}

TEST_CASE("vllm log: v0.25.1 DGX Spark benchmark log", "[serving][vllm_log]") {
  std::string text = read_file(std::string(HOTPATH_TEST_DATA) + "/logs/vllm_dgxspark_qwen38-int4_bench.log");
  REQUIRE(text.size() == 96886);
  auto log = parse_vllm_log(text, {2025, 0});
  CHECK(log.lines == 459);
  CHECK(log.stats.size() == 126);
  CHECK(log.access.size() == 102);  // 101 '"POST ' lines + one GET /health
  CHECK(log.requests.empty());
  CHECK(log.iterations.empty());
  CHECK(log.malformed == 0);
  // INFO 08-21 10:29:59 [loggers.py:273] Engine 000: Avg prompt throughput: 4.8 tokens/s, Avg generation
  // throughput: 5.6 tokens/s, Running: 1 reqs, Waiting: 0 reqs, GPU KV cache usage: 0.8%, Prefix cache hit
  // rate: 0.0%
  CHECK(log.stats[0].ts_ns == 1755772199000000000LL);
  CHECK(log.stats[0].prompt_tps == 4.8);
  CHECK(log.stats[0].gen_tps == 5.6);
  CHECK(log.stats[0].running == 1);
  CHECK(log.stats[0].gpu_kv_usage_pct == 0.8);
  CHECK(log.stats[0].prefix_hit_pct == 0.0);
  size_t posts = 0;
  for (const auto& a : log.access)
    posts += a.method == "POST" && a.path == "/v1/chat/completions" && a.status == 200;
  CHECK(posts == 101);
  CHECK(log.capacity.kv_cache_tokens == 1191213);
  CHECK(log.capacity.max_concurrency == 4.54);
}

TEST_CASE("vllm log: hand-written V1/V0 stats, preemptions, aggregated engines, spec decode",
          "[serving][vllm_log]") {
  std::string text =
      "INFO 12-31 23:59:59 metrics.py:396] Avg prompt throughput: 12.5 tokens/s, Avg generation throughput: "
      "40.1 "
      "tokens/s, Running: 3 reqs, Swapped: 1 reqs, Pending: 7 reqs, GPU KV cache usage: 91.2%, CPU KV cache "
      "usage: "
      "4.0%.\n"
      "INFO 12-31 23:59:59 metrics.py:412] Prefix cache hit rate: GPU: 33.33%, CPU: 0.00%\n"
      "\x1b[0;36m(APIServer pid=7)\x1b[0;0m INFO 01-01 00:00:01 [loggers.py:118] Engine 001: Avg prompt "
      "throughput: "
      "0.0 tokens/s, Avg generation throughput: 812.3 tokens/s, Running: 64 reqs, Waiting: 9 reqs, "
      "Preemptions: 4, "
      "GPU KV cache usage: 99.1%, Prefix cache hit rate: 12.0%, Corrupted: 2 reqs, External prefix cache hit "
      "rate: "
      "5.5%, MM cache hit rate: 7.0%\n"
      "(APIServer pid=7) INFO 01-01 00:00:11.250 [loggers.py:118] 4 Engines Aggregated: Avg prompt "
      "throughput: 100.0 "
      "tokens/s, Avg generation throughput: 200.0 tokens/s, Running: 10 reqs, Waiting: 0 reqs, GPU KV cache "
      "usage: "
      "10.0%, Prefix cache hit rate: 0.0%\n"
      "(APIServer pid=7) INFO 01-01 00:00:11 [metrics.py:80] SpecDecoding metrics: Mean acceptance length: "
      "2.50, "
      "Accepted throughput: 30.00 tokens/s, Drafted throughput: 60.00 tokens/s, Accepted: 300 tokens, "
      "Drafted: 600 "
      "tokens, Per-position acceptance rate: 0.700, 0.500, 0.300, Avg Draft acceptance rate: 50.0%\n"
      "(EngineCore_DP0 pid=9) DEBUG 01-01 00:00:12 [core.py:700] EngineCore loop active.\n"
      "(EngineCore_DP0 pid=9) DEBUG 01-01 00:00:12 [gpu_model_runner.py:1] Running batch with "
      "cudagraph_mode: FULL, "
      "batch_descriptor: BatchDescriptor(num_tokens=8, uniform_decode=True, has_lora=False)\n"
      "(EngineCore_DP0 pid=9) DEBUG 01-01 00:00:13 [core.py:690] EngineCore waiting for work.\n"
      "(EngineCore_DP0 pid=9) INFO 01-01 00:00:13 [core.py:348] Iteration(17): 0 context requests, 0 context "
      "tokens, "
      "0 generation requests, 0 generation tokens, iteration elapsed time: 0.10 ms (dummy)\n"
      "INFO 01-01 00:00:14 [async_llm.py:1] Added request chatcmpl-bench-1a2b3c4d-7-deadbeef.\n"
      "INFO 01-01 00:00:14 [async_llm.py:1] Finished request cmpl-hotpath-req-000042-0.\n"
      "INFO 01-01 00:00:14 [loggers.py:1] Avg prompt throughput: garbage\n"
      "Traceback (most recent call last):\n";
  auto log = parse_vllm_log(text, {2024, 0});
  REQUIRE(log.stats.size() == 3);
  const auto& v0 = log.stats[0];
  CHECK(v0.v0);
  CHECK(v0.ts_ns == 1735689599000000000LL);  // 2024-12-31 23:59:59 UTC
  CHECK(v0.prompt_tps == 12.5);
  CHECK(v0.gen_tps == 40.1);
  CHECK(v0.running == 3);
  CHECK(v0.swapped == 1);
  CHECK(v0.waiting == 7);
  CHECK(v0.gpu_kv_usage_pct == 91.2);
  CHECK(v0.cpu_kv_usage_pct == 4.0);
  CHECK(v0.prefix_hit_pct == 33.33);

  const auto& v1 = log.stats[1];
  CHECK(v1.ts_ns == 1735689601000000000LL);  // year wrapped to 2025-01-01 00:00:01
  CHECK(v1.engine == 1);
  CHECK(v1.preemptions == 4);
  CHECK(v1.running == 64);
  CHECK(v1.waiting == 9);
  CHECK(v1.gpu_kv_usage_pct == 99.1);
  CHECK(v1.prefix_hit_pct == 12.0);
  CHECK(v1.corrupted == 2);
  CHECK(v1.external_prefix_hit_pct == 5.5);
  CHECK(v1.mm_hit_pct == 7.0);

  const auto& agg = log.stats[2];
  CHECK(agg.engine == -1);
  CHECK(agg.engines_aggregated == 4);
  CHECK(agg.ts_ns == 1735689611250000000LL);  // fractional seconds kept
  CHECK(agg.gen_tps == 200.0);

  REQUIRE(log.spec_decode.size() == 1);
  CHECK(log.spec_decode[0].mean_acceptance_length == 2.5);
  CHECK(log.spec_decode[0].accepted == 300);
  CHECK(log.spec_decode[0].drafted == 600);
  CHECK(log.spec_decode[0].per_position == std::vector<double>{0.7, 0.5, 0.3});
  CHECK(log.spec_decode[0].avg_acceptance_pct == 50.0);

  REQUIRE(log.engine_events.size() == 3);
  CHECK(log.engine_events[0].kind == VllmEngineEventKind::LoopActive);
  CHECK(log.engine_events[1].kind == VllmEngineEventKind::Batch);
  CHECK(log.engine_events[1].num_tokens == 8);
  CHECK(log.engine_events[1].uniform_decode == 1);
  CHECK(log.engine_events[2].kind == VllmEngineEventKind::WaitingForWork);

  REQUIRE(log.iterations.size() == 1);
  CHECK(log.iterations[0].iter == 17);
  CHECK(log.iterations[0].dummy);

  REQUIRE(log.requests.size() == 2);
  CHECK(log.requests[0].kind == VllmRequestEventKind::Added);
  CHECK(log.requests[0].server_id == "chatcmpl-bench-1a2b3c4d-7");
  CHECK(log.requests[0].client_id == "bench-1a2b3c4d-7");
  CHECK(log.requests[1].kind == VllmRequestEventKind::Finished);
  CHECK(log.requests[1].client_id == "hotpath-req-000042");
  CHECK(log.malformed == 1);
  CHECK(log.unprefixed == 1);
}

TEST_CASE("vllm log: request id canonicalization", "[serving][vllm_log]") {
  CHECK(canonical_request_id("cmpl-hotpath-req-000001-0-1a2b3c4d").server_id == "cmpl-hotpath-req-000001-0");
  CHECK(canonical_request_id("cmpl-hotpath-req-000001-0-1a2b3c4d").client_id == "hotpath-req-000001");
  CHECK(canonical_request_id("cmpl-hotpath-req-000001-0").client_id == "hotpath-req-000001");
  CHECK(canonical_request_id("chatcmpl-abc-0123abcd").server_id == "chatcmpl-abc");
  CHECK(canonical_request_id("chatcmpl-abc").client_id == "abc");
  // Ambiguous without a prompt index: a cmpl id ending in 8 hex digits is kept unless the shorter id is
  // known.
  CHECK(canonical_request_id("cmpl-x-deadbeef").server_id == "cmpl-x-deadbeef");
  std::unordered_set<std::string> known{"cmpl-x"};
  CHECK(canonical_request_id("cmpl-x-deadbeef", &known).server_id == "cmpl-x");
  CHECK(canonical_request_id("plain-id").client_id == "plain-id");
}
