#include <catch2/catch.hpp>

#include "core/serving/sglang_log.h"

using namespace hp::serving;

// Line shapes from SGLang's scheduler_metrics_mixin (old '.' and new ',' separator), see
// reference/serving.md 2.2.
TEST_CASE("sglang log: prefill and decode batches, old and new formats", "[serving][sglang_log]") {
  std::string text =
      "[2024-11-07 10:00:01,123 TP0] Prefill batch. #new-seq: 1, #new-token: 2192, #cached-token: 35, token "
      "usage: "
      "0.01, #running-req: 0, #queue-req: 0\n"
      "[2024-11-07 10:00:02 TP0] Decode batch. #running-req: 233, #token: 370959, token usage: 0.82, cuda "
      "graph: "
      "True, gen throughput (token/s): 4594.01, #queue-req: 317\n"
      "[2025-07-18 15:32:52 DP1 TP3] Prefill batch, #new-seq: 4, #new-token: 32768, #cached-token: 0, token "
      "usage: "
      "0.40, #running-req: 2, #queue-req: 9, #prealloc-req: 1, #inflight-req: 2, input throughput (token/s): "
      "15000.50, timestamp: 2025-07-18T15:32:52.498932\n"
      "[2025-07-18 15:32:54 PP0 TP0] Decode batch [812], #running-req: 64, #full token: 9000, full token "
      "usage: "
      "0.30, #swa token: 100, swa token usage: 0.10, accept len: 2.71, accept rate: 0.68, #retracted-req: 3, "
      "cuda "
      "graph: False, gen throughput (token/s): 75.25, #queue-req: 0, \n"
      "[2025-07-18 15:32:55 TP0] Decode batch. cuda graph: True\n"
      "INFO:     127.0.0.1:5000 - \"POST /generate HTTP/1.1\" 200 OK\n";
  auto log = parse_sglang_log(text);
  CHECK(log.lines == 6);
  CHECK(log.prefixed == 5);
  CHECK(log.unprefixed == 1);
  CHECK(log.malformed == 1);  // decode line without #running-req
  REQUIRE(log.batches.size() == 4);

  const auto& p0 = log.batches[0];
  CHECK(p0.prefill);
  CHECK(p0.ts_ns == 1730973601123000000LL);
  CHECK(p0.tp_rank == 0);
  CHECK(p0.new_seq == 1);
  CHECK(p0.new_token == 2192);
  CHECK(p0.cached_token == 35);
  CHECK(p0.token_usage == 0.01);
  CHECK(p0.running_req == 0);
  CHECK(p0.queue_req == 0);
  CHECK(p0.cuda_graph == -1);

  const auto& d0 = log.batches[1];
  CHECK_FALSE(d0.prefill);
  CHECK(d0.running_req == 233);
  CHECK(d0.num_token == 370959);
  CHECK(d0.token_usage == 0.82);
  CHECK(d0.cuda_graph == 1);
  CHECK(d0.gen_throughput == 4594.01);
  CHECK(d0.queue_req == 317);

  const auto& p1 = log.batches[2];
  CHECK(p1.dp_rank == 1);
  CHECK(p1.tp_rank == 3);
  CHECK(p1.ts_ns == 1752852772498932000LL);  // refined by the timestamp field
  CHECK(p1.new_token == 32768);
  CHECK(p1.prealloc_req == 1);
  CHECK(p1.inflight_req == 2);
  CHECK(p1.input_throughput == 15000.5);

  const auto& d1 = log.batches[3];
  CHECK(d1.iter == 812);
  CHECK(d1.pp_rank == 0);
  CHECK(d1.num_token == 9000);
  CHECK(d1.token_usage == 0.30);
  CHECK(d1.accept_len == 2.71);
  CHECK(d1.accept_rate == 0.68);
  CHECK(d1.retracted_req == 3);
  CHECK(d1.cuda_graph == 0);
  CHECK(d1.gen_throughput == 75.25);
}

// The scheduler's retraction line (update_running_batch), in its two detail shapes and its test mode.
TEST_CASE("sglang log: retraction lines are preemptions per rank", "[serving][sglang_log]") {
  std::string text =
      "[2025-06-01 10:00:00 TP0] KV cache pool is full. Retract requests. #retracted_reqs: 3, "
      "#new_token_ratio: 0.4000 -> 0.7000\n"
      "[2025-06-01 10:00:05 DP1 TP1] KV cache pool is full. Retract requests. #retracted_reqs: 2, "
      "#new_tokens_gained: 512\n"
      "[2025-06-01 10:00:06] Testing retraction. #retracted_reqs: 1, #new_tokens_gained: 10\n"
      "[2025-06-01 10:00:07 TP0] KV cache pool is full. Retract requests. #retracted_reqs: many\n";
  auto log = parse_sglang_log(text);
  REQUIRE(log.retractions.size() == 3);  // "many" is no count
  CHECK(log.retractions[0].requests == 3);
  CHECK(log.retractions[0].tp_rank == 0);
  CHECK(log.retractions[0].dp_rank == -1);
  CHECK(log.retractions[0].ts_ns == 1748772000LL * 1'000'000'000);
  CHECK(log.retractions[1].requests == 2);
  CHECK(log.retractions[1].dp_rank == 1);
  CHECK(log.retractions[1].tp_rank == 1);
  CHECK(log.retractions[2].requests == 1);
  CHECK(log.retractions[2].tp_rank == -1);
  CHECK(log.retractions[2].line == 3);
  CHECK(log.batches.empty());
}
