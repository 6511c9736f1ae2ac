#pragma once
// A vLLM-like test server on 127.0.0.1 (ephemeral port), for the capture tests and benchmarks. One
// libevent loop thread serves every connection.
// Streams /v1/completions and /v1/chat/completions on a fixed token schedule (TTFT, ITL, output
// length capped by max_tokens), serves /v1/models, /metrics (vllm:* series that follow the load it
// really serves), /start_profile and /stop_profile (copies a fixture trace into the profile
// directory), and injects faults on request. Bounded: it stops itself after max_lifetime_s.
//
// Faults, chosen by a marker in the prompt (or in the X-Test-Fault header):
//   [fault:500] [fault:429]   HTTP error with a JSON body
//   [fault:disconnect]        closes the connection after 3 content chunks
//   [fault:stall]             stops sending for stall_ms after 2 chunks, then goes on
//   [fault:malformed]         sends an SSE event whose data is not JSON after 2 chunks
//   [fault:error-event]       sends {"error": {...}} as an event after 1 chunk, then [DONE]
// Other markers: [tokens:N] overrides the output length; [tokens:A,B,C] gives choice k of a request with
// the API's `n` length A, B, C, ... (k modulo the list), and a request without n the length its
// X-Request-Id's trailing number picks (modulo the list; hotpath numbers requests in scheduling order), so
// the rollouts of one prompt get the same lengths through `n` and through N requests in a row. With `n` > 1
// every tick writes one chunk per running choice ("index": k), each choice ends with its own finish_reason,
// and the usage chunk counts all choices' tokens (as vLLM does).
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace hp::testing {

// What the server does with a request's `n` > 1: stream the n choices (vLLM, SGLang), refuse it with
// HTTP 400 and an error body, or ignore it and stream one choice.
enum class NSupport { Honour, Refuse, Ignore };

struct TestServerOptions {
  NSupport n_support = NSupport::Honour;
  int ttft_ms = 50;
  int itl_ms = 10;
  // A prefill cost per prompt token (word) on top of ttft_ms: TTFT = ttft_ms + this x prompt words / 1000.
  int prefill_us_per_token = 0;
  // Each gap between chunks is itl_ms made up to this share longer or shorter (0-40), fixed
  // pseudo-randomly per stream and chunk: ITLs vary as a real engine's do, and streams drift apart
  // instead of staying in lockstep on one itl_ms grid. The first chunk stays exactly on time.
  int itl_jitter_pct = 0;
  int output_tokens = 16;  // when the request gives no max_tokens; max_tokens caps it otherwise
  int max_running = 0;     // > 0: requests beyond this wait (num_requests_waiting) for a slot
  int stall_ms = 2500;
  double max_lifetime_s = 120;
  int64_t kv_capacity_tokens = 100000;
  std::string model = "test-model";
  std::string api_key;                // when set, requests must send "Authorization: Bearer <key>"
  bool malformed_metrics = false;     // /metrics carries a few unparseable lines
  bool profiler = true;               // false: /start_profile and /stop_profile answer 404 (no profiler dir)
  int port = 0;                       // 0: an ephemeral port; else this one (a server back after a stop)
  std::filesystem::path profile_dir;  // /stop_profile writes the trace here
  std::filesystem::path trace_fixture;  // the trace file copied on /stop_profile
  // SGLang's expert-distribution recorder: when set, POST /start_expert_distribution_record,
  // /stop_... and /dump_... answer 200 and the dump copies expert_fixture into this directory as
  // expert_distribution_recorder_<unix time>.pt (else the three answer 404).
  std::filesystem::path expert_dump_dir, expert_fixture;
  // When set, GET /metrics answers this file (TensorRT-LLM's JSON iteration stats) as application/json.
  std::filesystem::path metrics_json;
  std::filesystem::path completed_log;  // one line per completed stream: "<epoch_ns> <request id> <status>"
  std::filesystem::path server_log;     // vLLM-format log lines (Received/Finished request, stats)
  // One line per stream's first content chunk: "<request id> <received epoch ns> <first chunk due
  // epoch ns> <first chunk written epoch ns>" (the schedule's own accuracy, for the benchmark).
  std::filesystem::path timing_log;
};

// The gap before content chunk i (i >= 1) of stream `request_id` is itl_ms plus this.
int64_t itl_jitter_ns(const TestServerOptions& opt, const std::string& request_id, int64_t i);

struct ServerCounts {
  uint64_t requests = 0;   // completion requests received
  uint64_t completed = 0;  // streams that ended with [DONE]
  uint64_t faults = 0;     // requests that got an injected fault
  uint64_t profile_starts = 0, profile_stops = 0;
  std::string last_profile_start_body;  // the JSON an SGLang-style client sent to /start_profile
  uint64_t metrics_scrapes = 0;
  std::vector<std::string> expert_calls;  // "start", "stop", "dump" in the order they came
};

class TestServer {
 public:
  explicit TestServer(TestServerOptions opt = {});
  ~TestServer();  // stops
  TestServer(const TestServer&) = delete;
  TestServer& operator=(const TestServer&) = delete;

  int start();  // binds 127.0.0.1:<ephemeral>, returns the port (0 on failure)
  void stop();
  int port() const { return port_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  ServerCounts counts() const;
  std::vector<std::string> request_ids() const;  // X-Request-Id of every completion request, in order
  std::string metrics_text() const;              // what /metrics would return now

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace hp::testing
