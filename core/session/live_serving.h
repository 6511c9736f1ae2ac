#pragma once
// What a live capture has recorded so far, kept in memory so that the workbench can publish it as
// Session snapshots while the capture runs. Every call is forwarded to the durable sink (the run
// file) first, so the file and the snapshots hold the same data; credentials are redacted in both.
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

#include "core/serving/serving_sink.h"
#include "core/session/session.h"

namespace hp {

class LiveServing : public ServingSink {
 public:
  explicit LiveServing(ServingSink* durable = nullptr) : durable_(durable) {}

  void set_meta(const std::string& key, const std::string& value) override;
  void add_request(const serving::RequestRecord& r) override;
  void add_samples(const serving::SeriesKey& key, const std::vector<serving::Sample>& samples,
                   bool from_log = false, const std::string& source = {}) override;
  void add_server_event(const serving::ServerEvent& e) override;
  void add_kv_events(const std::vector<kv::KvBlockEvent>& events) override;

  // Changes with every call above: a publisher builds a new snapshot only when it moved.
  uint64_t version() const { return version_.load(std::memory_order_acquire); }
  size_t requests() const;
  // A copy of everything recorded so far, series sorted by time (the Session builder's input).
  ServingData copy() const;
  // The requests recorded from row `from` on, and a copy of everything else (the live builder's input).
  std::vector<serving::RequestRecord> requests_from(size_t from) const;
  ServingData copy_rest() const;

 private:
  using SeriesId = std::tuple<serving::SeriesKey, bool, std::string>;  // key, from log, source
  ServingSink* durable_;
  mutable std::mutex mu_;
  ServingData data_;
  std::map<SeriesId, std::pair<bool, size_t>> series_;  // -> (from log, index in its vector)
  std::vector<bool> unsorted_metrics_, unsorted_log_;
  std::atomic<uint64_t> version_{0};
};

}  // namespace hp
