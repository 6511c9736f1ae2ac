#include "capture/metrics_scraper.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "capture/replay_client.h"
#include "core/serving/metric_map.h"
#include "core/serving/serving_sink.h"

namespace hp::capture {

bool scrape_once(const std::string& url, serving::Scrape* out, int64_t* ts_ns, std::string* error,
                 double timeout_s) {
  std::string body, err;
  int64_t t0 = epoch_now_ns();
  int code = http_request("GET", url, "", &body, &err, timeout_s);
  int64_t t1 = epoch_now_ns();
  if (code != 200) {
    if (error) *error = code ? "GET " + url + ": HTTP " + std::to_string(code) : "GET " + url + ": " + err;
    return false;
  }
  if (ts_ns) *ts_ns = t0 + (t1 - t0) / 2;
  if (out) *out = serving::parse_prometheus_text(body);
  return true;
}

std::string detect_engine_at(const std::string& metrics_url) {
  serving::Scrape s;
  if (!scrape_once(metrics_url, &s, nullptr, nullptr)) return {};
  return serving::detect_engine(s);
}

std::chrono::nanoseconds scrape_delay(std::chrono::nanoseconds period, uint64_t failures_in_a_row) {
  const std::chrono::nanoseconds cap = std::max<std::chrono::nanoseconds>(period, std::chrono::seconds(8));
  return std::min(cap, period * (int64_t{1} << std::min<uint64_t>(failures_in_a_row, 20)));
}

MetricsScraper::MetricsScraper(std::string url, double hz, ServingSink* writer)
    : url_(std::move(url)), hz_(std::clamp(hz, 0.1, 10.0)), writer_(writer) {}

MetricsScraper::~MetricsScraper() {
  stop();
}

void MetricsScraper::start() {
  stop_ = false;
  thread_ = std::thread([this] { loop(); });
}

void MetricsScraper::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::string MetricsScraper::last_error() const {
  std::lock_guard lock(mu_);
  return last_error_;
}

void MetricsScraper::loop() {
  using Clock = std::chrono::steady_clock;
  auto period = std::chrono::nanoseconds(static_cast<int64_t>(1e9 / hz_));
  auto next = Clock::now();
  uint64_t down = 0;  // failures in a row
  while (!stop_) {
    serving::Scrape s;
    int64_t ts = 0;
    std::string err;
    const bool ok = scrape_once(url_, &s, &ts, &err, std::max(1.0, 2.0 / hz_));
    if (ok) {
      stats_.scrapes++;
      stats_.bad_lines += s.bad_lines.size();
      stats_.last_ok_ns = ts;
      store(s, ts);
      down = 0;
    } else {
      stats_.failures++;
      ++down;
      ts = epoch_now_ns();
      std::lock_guard lock(mu_);
      last_error_ = err;
    }
    if (writer_) writer_->add_samples({"hotpath:scrape_up", {}}, {{ts, ok ? 1.0 : 0.0}});
    next += scrape_delay(period, down);
    auto now = Clock::now();
    if (next < now) next = now;  // fell behind (slow server): no burst to catch up
    while (!stop_ && Clock::now() < next)
      std::this_thread::sleep_for(
          std::min<Clock::duration>(next - Clock::now(), std::chrono::milliseconds(20)));
  }
}

void MetricsScraper::store(const serving::Scrape& s, int64_t ts_ns) {
  double running = 0, waiting = 0, kv = 0;
  int n_run = 0, n_wait = 0, n_kv = 0;
  for (const auto& p : s.samples) {
    const std::string& n = p.name;
    if (n == "vllm:num_requests_running" || n == "sglang:num_running_reqs" ||
        n == "trtllm_num_requests_running" || n == "llamacpp:requests_processing")
      running += p.value, ++n_run;
    else if (n == "vllm:num_requests_waiting" || n == "sglang:num_queue_reqs" ||
             n == "trtllm_num_requests_waiting" || n == "llamacpp:requests_deferred")
      waiting += p.value, ++n_wait;
    else if (n == "vllm:kv_cache_usage_perc" || n == "vllm:gpu_cache_usage_perc" ||
             n == "sglang:token_usage" || n == "trtllm_kv_cache_utilization" ||
             n == "llamacpp:kv_cache_usage_ratio")
      kv = std::max(kv, p.value), ++n_kv;
    if (writer_) writer_->add_samples({p.name, p.labels}, {{p.has_timestamp ? p.ts_ns : ts_ns, p.value}});
  }
  stats_.samples += s.samples.size();
  stats_.running = n_run ? running : NAN;
  stats_.waiting = n_wait ? waiting : NAN;
  stats_.kv_usage = n_kv ? kv : NAN;
}

}  // namespace hp::capture
