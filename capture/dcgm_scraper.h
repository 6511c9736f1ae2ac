#pragma once
// Scrapes NVIDIA dcgm-exporter (its /metrics URL) on its own thread and stores the per-GPU gpu.* series
// (core/serving/dcgm_map.h) with source "dcgm", plus measurement.* meta (GPU names, driver when exported).
// Also maps dcgm-exporter series read from a Prometheus server (serve-profile --prometheus).
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/serving/metric_sample.h"

namespace hp {
class ServingSink;
}

namespace hp::capture {

class DcgmScraper {
 public:
  DcgmScraper(std::string url, double hz, ServingSink* writer);
  ~DcgmScraper();  // stops
  void start();
  void stop();
  uint64_t scrapes() const { return scrapes_; }
  uint64_t failures() const { return failures_; }
  std::string last_error() const;

 private:
  void loop();
  std::string url_;
  double hz_;
  ServingSink* writer_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> scrapes_{0}, failures_{0};
  std::thread thread_;
  mutable std::mutex mu_;
  std::string last_error_;
};

// The dcgm-exporter series among `series` (read through query_range), renamed onto gpu.* keys with source
// "dcgm"; the others are dropped.
std::vector<serving::MetricSeries> dcgm_tracks(const std::vector<serving::MetricSeries>& series);

}  // namespace hp::capture
