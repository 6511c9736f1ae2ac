#pragma once
// Scrapes a Prometheus text endpoint (/metrics) at 1-10 Hz on its own thread and stores every
// sample with its labels (ServingSink::add_samples). A sample's time is the middle of the HTTP
// exchange in epoch ns, unless the exposition carries its own timestamp. Also keeps the latest
// running / waiting / KV-usage values for the live dashboard. When the endpoint answers TensorRT-LLM's
// JSON iteration stats instead of Prometheus text, they go through core/serving/trtllm_stats.h.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "core/serving/prometheus_text.h"

namespace hp {
class ServingSink;
}

namespace hp::capture {

struct ScrapeStats {
  std::atomic<uint64_t> scrapes{0}, failures{0}, bad_lines{0}, samples{0};
  std::atomic<uint64_t> json_scrapes{0};  // answers that were TensorRT-LLM iteration-stats JSON
  std::atomic<int64_t> last_ok_ns{0};     // epoch ns of the last good answer; 0 never
  // Latest gauges summed over engines/ranks (vLLM, SGLang, TRT-LLM, llama.cpp spellings); NaN when absent.
  std::atomic<double> running{0.0 / 0.0}, waiting{0.0 / 0.0}, kv_usage{0.0 / 0.0};
};

// One GET of `url`; false with *error set on a transport error or a non-200 answer.
bool scrape_once(const std::string& url, serving::Scrape* out, int64_t* ts_ns, std::string* error,
                 double timeout_s = 5);

// Engine named by the exposition ("vllm", "sglang", ...; "" when unknown), from one scrape.
std::string detect_engine_at(const std::string& metrics_url);

// Every attempt also records `hotpath:scrape_up` (1 answered, 0 failed), as Prometheus records `up`:
// an endpoint that went down and came back shows as a gap on the timeline and in the run file.
// The wait before the next scrape after `failures_in_a_row` failed ones: the period, doubled per
// failure (reconnecting with backoff), at most max(period, 8 s); back to the period after a success.
std::chrono::nanoseconds scrape_delay(std::chrono::nanoseconds period, uint64_t failures_in_a_row);

class MetricsScraper {
 public:
  MetricsScraper(std::string metrics_url, double hz, ServingSink* writer);
  ~MetricsScraper();  // stops
  void start();
  void stop();
  const ScrapeStats& stats() const { return stats_; }
  std::string last_error() const;

 private:
  void loop();
  void store(const serving::Scrape& s, int64_t ts_ns);
  // A TensorRT-LLM JSON answer through the iteration-stats parser (KV usage, hits, queue), as new
  // samples only; false with *error when it does not parse.
  bool store_trtllm(std::string_view body, std::string* error);
  std::map<serving::SeriesKey, int64_t> trtllm_last_;  // series -> newest sample time stored
  int64_t trtllm_kv_tokens_ = -1;
  std::string url_;
  double hz_;
  ServingSink* writer_;
  ScrapeStats stats_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::mutex mu_;
  std::string last_error_;
};

}  // namespace hp::capture
