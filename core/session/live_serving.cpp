#include "core/session/live_serving.h"

#include <algorithm>

#include "core/store/serving_store.h"

namespace hp {

void LiveServing::set_meta(const std::string& key, const std::string& value) {
  if (durable_) durable_->set_meta(key, value);
  std::lock_guard lock(mu_);
  data_.meta[key] = redact_meta_value(key, value);
  version_.fetch_add(1, std::memory_order_release);
}

void LiveServing::add_request(const serving::RequestRecord& r) {
  if (durable_) durable_->add_request(r);
  serving::RequestRecord copy = r;
  copy.error = redact_meta_value("error", r.error);
  std::lock_guard lock(mu_);
  data_.requests.push_back(std::move(copy));
  version_.fetch_add(1, std::memory_order_release);
}

void LiveServing::add_samples(const serving::SeriesKey& key, const std::vector<serving::Sample>& samples,
                              bool from_log, const std::string& source) {
  if (durable_) durable_->add_samples(key, samples, from_log, source);
  std::lock_guard lock(mu_);
  auto& all = from_log ? data_.log_series : data_.metrics;
  auto& unsorted = from_log ? unsorted_log_ : unsorted_metrics_;
  auto [it, added] = series_.try_emplace(SeriesId{key, from_log, source}, from_log, all.size());
  if (added) {
    all.push_back({key, {}, source});
    unsorted.push_back(false);
  }
  const size_t i = it->second.second;
  auto& dst = all[i].samples;
  for (const auto& s : samples) {
    if (!dst.empty() && s.ts_ns < dst.back().ts_ns) unsorted[i] = true;
    dst.push_back(s);
  }
  version_.fetch_add(1, std::memory_order_release);
}

void LiveServing::add_server_event(const serving::ServerEvent& e) {
  if (durable_) durable_->add_server_event(e);
  std::lock_guard lock(mu_);
  data_.server_events.push_back(e);
  version_.fetch_add(1, std::memory_order_release);
}

void LiveServing::add_kv_events(const std::vector<kv::KvBlockEvent>& events) {
  if (durable_) durable_->add_kv_events(events);
  std::lock_guard lock(mu_);
  data_.kv_events.insert(data_.kv_events.end(), events.begin(), events.end());
  version_.fetch_add(1, std::memory_order_release);
}

size_t LiveServing::requests() const {
  std::lock_guard lock(mu_);
  return data_.requests.size();
}

ServingData LiveServing::copy() const {
  ServingData out = copy_rest();
  std::lock_guard lock(mu_);
  out.requests = data_.requests;
  return out;
}

std::vector<serving::RequestRecord> LiveServing::requests_from(size_t from) const {
  std::lock_guard lock(mu_);
  if (from >= data_.requests.size()) return {};
  return {data_.requests.begin() + static_cast<std::ptrdiff_t>(from), data_.requests.end()};
}

ServingData LiveServing::copy_rest() const {
  ServingData out;
  std::vector<bool> um, ul;
  {
    std::lock_guard lock(mu_);
    out.meta = data_.meta;
    out.metrics = data_.metrics;
    out.log_series = data_.log_series;
    out.server_events = data_.server_events;
    out.kv_events = data_.kv_events;
    um = unsorted_metrics_;
    ul = unsorted_log_;
  }
  out.meta["capture.live"] = "1";  // a live capture has not finished: that is no warning
  auto by_time = [](const serving::Sample& a, const serving::Sample& b) { return a.ts_ns < b.ts_ns; };
  for (size_t i = 0; i < out.metrics.size(); ++i)
    if (um[i]) std::stable_sort(out.metrics[i].samples.begin(), out.metrics[i].samples.end(), by_time);
  for (size_t i = 0; i < out.log_series.size(); ++i)
    if (ul[i]) std::stable_sort(out.log_series[i].samples.begin(), out.log_series[i].samples.end(), by_time);
  std::stable_sort(out.server_events.begin(), out.server_events.end(),
                   [](const auto& a, const auto& b) { return a.ts_ns < b.ts_ns; });
  return out;
}

}  // namespace hp
