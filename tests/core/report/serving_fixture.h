#pragma once
// A small synthetic serving run shared by the report and export tests. Times are epoch ns; values chosen
// so every statistic is easy to compute by hand (see latency_stats_test.cpp for the same requests).
#include "core/store/serving_store.h"

namespace hp::test {

inline constexpr int64_t kT0 = 1769952121000000000LL;
inline constexpr int64_t kMs = 1000000LL;
inline constexpr int64_t kSec = 1000000000LL;

inline serving::RequestRecord make_request(uint64_t index, std::string id, int64_t sent,
                                           std::vector<int64_t> chunks, int64_t end, uint32_t in,
                                           uint32_t out) {
  serving::RequestRecord r;
  r.index = index;
  r.request_id = std::move(id);
  r.endpoint = "/v1/completions";
  r.sent_ns = kT0 + sent * kMs;
  for (auto c : chunks) r.token_chunk_ns.push_back(kT0 + c * kMs);
  r.first_token_ns = r.token_chunk_ns.empty() ? 0 : r.token_chunk_ns.front();
  r.first_chunk_ns = r.first_token_ns;
  r.end_ns = kT0 + end * kMs;
  r.prompt_tokens = in;
  r.output_tokens = out;
  return r;
}

inline serving::MetricSeries make_series(std::string name, serving::Labels labels,
                                         std::vector<std::pair<int, double>> pts) {
  serving::MetricSeries s;
  s.key = {std::move(name), std::move(labels)};
  for (auto [t, v] : pts) s.samples.push_back({kT0 + t * kSec, v});
  return s;
}

inline ServingData sample_run() {
  ServingData d;
  d.meta["engine"] = "vllm";
  d.meta["model"] = "Qwen/Qwen3-8B";
  d.requests.push_back(make_request(0, "req-0", 0, {100, 120, 150}, 150, 10, 3));
  d.requests.push_back(make_request(1, "req-1", 50, {250, 260}, 260, 20, 2));
  d.requests.push_back(make_request(2, "req-2", 100, {400}, 400, 30, 1));
  d.requests.push_back(make_request(3, "req-3", 200, {300, 340, 380, 420, 500}, 1000, 40, 5));
  auto failed = make_request(4, "req-4", 300, {}, 310, 50, 0);
  failed.status = serving::RequestStatus::HttpError;
  failed.http_status = 503;
  d.requests.push_back(failed);
  // Server view of req-0 (server clock 2 s ahead): queue 20 ms, prefill 60 ms, decode 50 ms.
  auto& s = d.requests[0].server;
  s.method = serving::CorrelationMethod::RequestId;
  s.clock_offset_ns = 2 * kSec;
  s.offset_uncertainty_ns = 1 * kSec;
  s.received_ns = kT0 + 2 * kSec + 5 * kMs;
  s.queued_ns = kT0 + 2 * kSec + 10 * kMs;
  s.scheduled_ns = kT0 + 2 * kSec + 30 * kMs;
  s.first_token_ns = kT0 + 2 * kSec + 90 * kMs;
  s.finished_ns = kT0 + 2 * kSec + 140 * kMs;
  d.metrics.push_back(
      make_series("vllm:num_requests_running", {{"engine", "0"}}, {{0, 2}, {10, 4}, {20, 6}}));
  d.metrics.push_back(
      make_series("vllm:num_requests_waiting", {{"engine", "0"}}, {{0, 0}, {10, 8}, {20, 0}}));
  d.metrics.push_back(make_series("vllm:kv_cache_usage_perc", {{"engine", "0"}},
                                  {{0, 0.5}, {10, 0.95}, {20, 0.8}, {30, 1.0}}));
  d.metrics.push_back(make_series("vllm:prefix_cache_hits_total", {{"engine", "0"}}, {{0, 100}, {20, 400}}));
  d.metrics.push_back(
      make_series("vllm:prefix_cache_queries_total", {{"engine", "0"}}, {{0, 1000}, {20, 2000}}));
  d.metrics.push_back(make_series("vllm:num_preemptions_total", {{"engine", "0"}}, {{0, 0}, {20, 2}}));
  for (auto [le, a, b] : std::vector<std::tuple<const char*, double, double>>{
           {"0.1", 0, 2}, {"0.5", 0, 6}, {"1.0", 0, 8}, {"+Inf", 0, 10}})
    d.metrics.push_back(make_series("vllm:time_to_first_token_seconds_bucket", {{"engine", "0"}, {"le", le}},
                                    {{0, a}, {20, b}}));
  d.metrics.push_back(
      make_series("vllm:time_to_first_token_seconds_count", {{"engine", "0"}}, {{0, 0}, {20, 10}}));
  d.log_series.push_back(make_series("iteration.ctx_tokens", {}, {{0, 100}, {1, 300}}));
  return d;
}

}  // namespace hp::test
