#pragma once
// Traffic replay against an OpenAI-compatible server: libcurl's multi interface driven by one
// event-loop thread (curl_multi_socket_action over an epoll set, so a wake-up costs O(ready
// sockets) and thousands of concurrent streams cost one thread). Easy handles are reused and
// connections stay in the multi handle's cache, so a closed loop keeps its warm connections.
// Every request streams (stream: true, stream_options.include_usage) and carries an X-Request-Id.
// Times are CLOCK_REALTIME epoch ns: intervals are read from CLOCK_MONOTONIC and converted with
// one offset taken when the client starts, so a wall-clock step during a run cannot bend them.
// Measured times (RequestRecord): scheduled_ns = when the arrival process wanted the request sent;
// sent_ns = when libcurl began writing it on an established connection (CURLOPT_PREREQFUNCTION),
// so sent - scheduled is the dispatch lag (client work, connection setup) and TTFT = first content
// chunk - sent; chunk times are the epoll wake-up that reported their socket readable.
#include <atomic>
#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/serving/arrival.h"
#include "core/serving/request_record.h"
#include "core/serving/traffic.h"

namespace hp::capture {

struct ReplayOptions {
  std::string base_url;                      // "http://127.0.0.1:8000" (no trailing path)
  std::string endpoint = "/v1/completions";  // or "/v1/chat/completions"
  std::string model;                         // empty: the first id of GET /v1/models
  std::string api_key;                       // sent as "Authorization: Bearer"; never stored or logged
  serving::ArrivalOptions arrival;
  int64_t default_max_tokens = 256;  // when the traffic request gives none
  int block_tokens = 512;            // Mooncake block size for synthetic prompts
  double request_timeout_s = 600;    // whole request
  double read_timeout_s = 60;        // no byte for this long (whole seconds, libcurl's granularity)
  double drain_timeout_s = 30;       // after --duration: in-flight requests get this long, then Cancelled
  std::string request_id_prefix;     // default "hp-<8 hex>-"
  std::map<std::string, std::string> extra_headers;
  // RL rollouts through the API's `n` (> 1): every request asks for n choices and ends as n records,
  // one per choices[].index, each with its own first token, chunks, end and output length (counted
  // chunks: the usage chunk totals every choice). Request k is sent with X-Request-Id <prefix><k * n>
  // and its choice c gets index k * n + c and request_id "<X-Request-Id>#c", so group = index / n as
  // with n separate requests (serving::rollout_position reads it back from the id).
  int rollouts_n = 0;
};

struct ReplayProgress {
  std::atomic<uint64_t> total{0};  // scheduled requests (0 while unbounded)
  std::atomic<uint64_t> sent{0}, in_flight{0}, ok{0}, failed{0}, output_tokens{0};
  std::atomic<bool> warmup_done{false};
};

class ReplayClient {
 public:
  ReplayClient(ReplayOptions opt, const serving::Traffic& traffic);
  ReplayClient(ReplayOptions opt, serving::Traffic&&) = delete;  // it keeps a reference to the traffic
  ~ReplayClient();
  ReplayClient(const ReplayClient&) = delete;
  ReplayClient& operator=(const ReplayClient&) = delete;

  // Runs the schedule on the calling thread; on_done is called (on that thread) for every request
  // as it ends, warm-up ones included (RequestRecord::warmup). Returns the number of requests run.
  // Throws std::runtime_error when the model cannot be discovered.
  uint64_t run(const std::function<void(const serving::RequestRecord&)>& on_done);
  // Thread-safe: stops dispatching; in-flight requests end as Cancelled.
  void stop();
  // Thread-safe: while paused nothing new is sent (in-flight requests go on); timed arrivals resume
  // where they paused instead of catching up in a burst, and --duration does not count the pause.
  void set_paused(bool paused) { paused_ = paused; }
  bool paused() const { return paused_; }
  // Thread-safe: a closed loop's concurrency from now on (> 0; an open loop ignores it).
  void set_concurrency(int n) {
    if (n > 0) concurrency_ = n;
  }
  int concurrency() const { return concurrency_; }
  // Thread-safe: an open loop's arrival rate from now on (req/s > 0): the gaps still to come are
  // scaled by old/new rate from this moment, so no burst catches up and none is skipped. A closed loop
  // or a trace replay ignores it. rate() is the rate now (0: not an open loop with a finite rate).
  void set_rate(double rps) {
    if (rps > 0 && std::isfinite(rps)) rate_ = rps;
  }
  double rate() const { return rate_; }
  const ReplayProgress& progress() const { return progress_; }
  const std::string& model() const { return opt_.model; }

 private:
  struct Impl;
  ReplayOptions opt_;
  const serving::Traffic& traffic_;
  ReplayProgress progress_;
  std::atomic<bool> stop_{false}, paused_{false};
  std::atomic<int> concurrency_{0};
  std::atomic<double> rate_{0};
};

// Epoch ns now (CLOCK_REALTIME).
int64_t epoch_now_ns();

// Blocking GET/POST for small control requests (models, metrics, profiler). Returns the HTTP status
// (0 on a transport error, with *error set) and fills *body.
int http_request(const std::string& method, const std::string& url, const std::string& body,
                 std::string* response, std::string* error, double timeout_s = 10,
                 const std::string& api_key = {});

// GET <base>/v1/models -> the first model id; empty with *error set when that fails.
std::string discover_model(const std::string& base_url, const std::string& api_key, std::string* error);

}  // namespace hp::capture
