#include "capture/metrics_scraper.h"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "capture/replay_client.h"
#include "core/serving/metric_map.h"
#include "core/serving/serving_sink.h"
#include "core/serving/trtllm_stats.h"

namespace hp::capture {

namespace {

// GET url: the body and the middle of the exchange; false with *error on failure.
bool fetch(const std::string& url, std::string* body, int64_t* ts_ns, std::string* error, double timeout_s) {
  std::string err;
  int64_t t0 = epoch_now_ns();
  int code = http_request("GET", url, "", body, &err, timeout_s);
  int64_t t1 = epoch_now_ns();
  if (code != 200) {
    if (error) *error = code ? "GET " + url + ": HTTP " + std::to_string(code) : "GET " + url + ": " + err;
    return false;
  }
  if (ts_ns) *ts_ns = t0 + (t1 - t0) / 2;
  return true;
}

// TensorRT-LLM's /metrics answers a JSON array of iteration stats, not Prometheus text.
bool is_trtllm_json(std::string_view body) {
  const size_t i = body.find_first_not_of(" \t\r\n");
  return i != std::string_view::npos && (body[i] == '[' || body[i] == '{') &&
         serving::looks_like_trtllm_stats(body.substr(0, 1 << 14));
}

}  // namespace

bool scrape_once(const std::string& url, serving::Scrape* out, int64_t* ts_ns, std::string* error,
                 double timeout_s) {
  std::string body;
  if (!fetch(url, &body, ts_ns, error, timeout_s)) return false;
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
    std::string err, body;
    bool ok = fetch(url_, &body, &ts, &err, std::max(1.0, 2.0 / hz_));
    const bool json = ok && is_trtllm_json(body);
    if (json) ok = store_trtllm(body, &err);
    if (!ok) {
      stats_.failures++;
      ++down;
      ts = epoch_now_ns();
      std::lock_guard lock(mu_);
      last_error_ = err;
    } else {
      stats_.scrapes++;
      stats_.last_ok_ns = ts;
      if (json) {
        stats_.json_scrapes++;
      } else {
        s = serving::parse_prometheus_text(body);
        stats_.bad_lines += s.bad_lines.size();
        store(s, ts);
      }
      down = 0;
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

bool MetricsScraper::store_trtllm(std::string_view body, std::string* error) {
  serving::TrtllmStats st;
  try {
    st = serving::parse_trtllm_iteration_stats(body);
  } catch (const serving::TrtllmStatsError& e) {
    *error = "TensorRT-LLM iteration stats at byte " + std::to_string(e.offset) + ": " + e.what();
    return false;
  }
  // Each answer holds the iterations since some point; keep only those newer than the last stored.
  for (const auto& m : st.series) {
    int64_t& last = trtllm_last_[m.key];
    std::vector<serving::Sample> fresh;
    for (const auto& x : m.samples)
      if (x.ts_ns > last) fresh.push_back(x);
    if (fresh.empty()) continue;
    last = fresh.back().ts_ns;
    stats_.samples += fresh.size();
    if (m.key.name == "kv_cache_usage") stats_.kv_usage = fresh.back().value;
    if (m.key.name == "requests_running") stats_.running = fresh.back().value;
    if (m.key.name == "requests_waiting") stats_.waiting = fresh.back().value;
    if (writer_) writer_->add_samples(m.key, fresh);
  }
  if (writer_ && st.kv_cache_tokens >= 0 && st.kv_cache_tokens != trtllm_kv_tokens_) {
    trtllm_kv_tokens_ = st.kv_cache_tokens;
    writer_->set_meta("kv_cache_tokens", std::to_string(st.kv_cache_tokens));
  }
  return true;
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
