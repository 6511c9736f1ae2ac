#include "core/serving/log_run.h"

#include <catch2/catch.hpp>

#include "core/import/registry.h"
#include "core/serving/load_stats.h"

using namespace hp::serving;

namespace {
const MetricSeries* find(const hp::ServingData& d, const std::string& name) {
  for (const auto& s : d.log_series)
    if (s.key.name == name) return &s;
  return nullptr;
}
double sum(const MetricSeries* s) {
  double t = 0;
  for (const auto& x : s->samples) t += x.value;
  return t;
}
}  // namespace

// Expected values computed with python3 (re over the same lines; time-weighted step averages).
TEST_CASE("log run: profilemate vLLM 0.15 log (stats + iteration details)", "[serving][log_run]") {
  const std::string path =
      std::string(HOTPATH_TEST_DATA) + "/logs/vllm_v0.15.0_gptoss120b_tp4_profilemate_server.log.gz";
  LogRun run = log_run_from_file(path, {2026, 0, ""});
  CHECK(run.engine == "vllm");
  CHECK(run.data.meta.at("engine") == "vllm");
  CHECK(run.data.meta.at("log.iterations") == "7241");
  CHECK(run.data.meta.at("log.requests_received") == "513");
  CHECK(run.data.meta.at("log.file") == "vllm_v0.15.0_gptoss120b_tp4_profilemate_server.log.gz");
  CHECK(run.data.meta.at("kv_cache_tokens") == "5863776");
  REQUIRE(run.data.server_events.size() == 1026);  // 513 Received + 513 Added
  CHECK(run.data.server_events[0].kind == "received");
  CHECK(run.data.server_events[0].request_id == "98e4a319dfdf479b");
  CHECK(run.data.server_events[0].value == 5);  // max_tokens
  const MetricSeries* running = find(run.data, "requests_running");
  REQUIRE(running);
  CHECK(running->samples.size() == 12);
  CHECK(running->key.labels == Labels{{"engine", "0"}});
  CHECK(running->samples.front().ts_ns == 1769952121000000000LL);
  const MetricSeries* ctx = find(run.data, "iteration.ctx_tokens");
  REQUIRE(ctx);
  CHECK(ctx->samples.size() == 7241);
  CHECK(sum(ctx) == 2534186);
  CHECK(sum(find(run.data, "iteration.gen_tokens")) == 713567);

  LoadStats st = load_stats(run.data, nullptr);
  CHECK(st.batch.from_log);
  CHECK(st.batch.avg == Approx(100.4545454545));
  CHECK(st.batch.peak == 128);
  CHECK(st.queue.avg == Approx(10.4545454545));
  CHECK(st.queue.peak == 115);
  CHECK(st.kv.avg == Approx(0.0524545455));
  CHECK(st.kv.peak == Approx(0.07));
  CHECK(st.kv_seconds_above_90 == 0);
  CHECK(st.preemptions == 0);
  CHECK(st.prefix.method == "gauge mean");
  CHECK(st.prefix.hit_rate == Approx(0.0213636364));
}

TEST_CASE("log run: DGX Spark vLLM 0.25 bench log, no credentials in meta", "[serving][log_run]") {
  const std::string path = std::string(HOTPATH_TEST_DATA) + "/logs/vllm_dgxspark_qwen38-int4_bench.log";
  LogRun run = log_run_from_file(path, {2025, 0, ""});
  CHECK(run.engine == "vllm");
  CHECK(run.data.meta.at("log.stats_lines") == "126");
  CHECK(find(run.data, "iteration.ctx_tokens") == nullptr);
  LoadStats st = load_stats(run.data, nullptr);
  CHECK(st.batch.avg == Approx(1.2793103448));
  CHECK(st.batch.peak == 4);
  CHECK(st.queue.avg == Approx(0.2068965517));
  CHECK(st.queue.peak == 3);
  CHECK(st.kv.avg == Approx(0.0224));
  CHECK(st.kv.peak == Approx(0.077));
  CHECK(st.prefix.hit_rate == 0);
  for (const auto& [k, v] : run.data.meta) CHECK(v.find("HF_TOKEN") == std::string::npos);
}

TEST_CASE("log run: SGLang and TensorRT-LLM lines, unknown text", "[serving][log_run]") {
  LogRun sg = log_run_from_text(
      "[2025-01-02 03:04:05 TP0] Prefill batch. #new-seq: 1, #new-token: 300, #cached-token: 100, token "
      "usage: "
      "0.10, #running-req: 0, #queue-req: 2, \n"
      "[2025-01-02 03:04:06 TP0] Prefill batch. #new-seq: 1, #new-token: 100, #cached-token: 300, token "
      "usage: "
      "0.20, #running-req: 1, #queue-req: 1, \n"
      "[2025-01-02 03:04:07 TP0] Decode batch. #running-req: 2, #token: 900, token usage: 0.30, cuda graph: "
      "True, gen throughput (token/s): 55.5, #queue-req: 0, \n");
  CHECK(sg.engine == "sglang");
  LoadStats st = load_stats(sg.data, nullptr);
  CHECK(st.prefix.method == "counters");
  CHECK(st.prefix.hit_rate == Approx(0.5));  // (100 + 300) / (400 + 400)
  CHECK(st.kv.peak == Approx(0.3));
  CHECK(st.queue.avg == Approx(1.5));  // 2 for 1 s, 1 for 1 s

  // Retractions: SGLang's preemptions, a running total per rank from the rank's first line.
  LogRun re = log_run_from_text(
      "[2025-01-02 03:04:05 TP0] Decode batch. #running-req: 8, #token: 900, token usage: 0.97, cuda graph: "
      "True, gen throughput (token/s): 55.5, #queue-req: 0, \n"
      "[2025-01-02 03:04:06 TP0] KV cache pool is full. Retract requests. #retracted_reqs: 3, "
      "#new_token_ratio: "
      "0.4000 -> 0.7000\n"
      "[2025-01-02 03:04:08 TP0] KV cache pool is full. Retract requests. #retracted_reqs: 2, "
      "#new_tokens_gained: 512\n"
      "[2025-01-02 03:04:09 TP0] Decode batch. #running-req: 3, #token: 300, pre-allocated usage: 0.10, "
      "#prealloc-req: 0, #transfer-req: 0, #retracted-req: 4, cuda graph: True, gen throughput (token/s): "
      "9.0, "
      "#queue-req: 5, \n");
  const MetricSeries* pre = find(re.data, "preemptions");
  REQUIRE(pre);
  CHECK(pre->key.labels == Labels{{"tp", "0"}});
  std::vector<double> totals;  // the start 0, then 0 at the first line, 3, 5, 5
  for (const auto& x : pre->samples) totals.push_back(x.value);
  CHECK(totals == std::vector<double>{0, 0, 3, 5, 5});
  CHECK(pre->samples[2].ts_ns - pre->samples[0].ts_ns == 1'000'000'000);
  CHECK(re.data.meta.at("log.retractions") == "2");
  CHECK(find(re.data, "requests_retracted")->samples.at(0).value == 4);  // the PD decode queue, a level

  LogRun trt = log_run_from_text(
      "[TRT-LLM] [I] iter = 7, global_rank = 0, rank = 0, num_scheduled_requests = 3, kv_cache_util = 0.25, "
      "currank_total_requests = 3/3, host_step_time = 12.5ms, prev_device_step_time = 11.0ms, timestamp = "
      "2025-01-02 03:04:05, states = {'num_ctx_requests': 1, 'num_ctx_tokens': 128, "
      "'num_generation_tokens': 2}\n");
  CHECK(trt.engine == "trtllm");
  CHECK(load_stats(trt.data, nullptr).kv.peak == Approx(0.25));
  CHECK(find(trt.data, "iteration.ctx_tokens")->samples.at(0).value == 128);

  CHECK(detect_log_engine("hello world\n").empty());
  CHECK(looks_like_log_path("server.log.gz"));
  CHECK(looks_like_log_path("a/b/vllm.log"));
  CHECK_FALSE(looks_like_log_path("trace.json.gz"));
}
