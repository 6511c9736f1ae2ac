#pragma once
// Where a live capture puts what it records: the run file (ServingWriter), an in-memory copy that
// the workbench publishes as snapshots (LiveServing), or both. The scrapers, the log tailer and the
// GPU samplers write to a sink and do not know which. Every method is thread-safe.
#include <string>
#include <vector>

#include "core/serving/serving_data.h"

namespace hp {

class ServingSink {
 public:
  virtual ~ServingSink() = default;
  virtual void set_meta(const std::string& key, const std::string& value) = 0;
  virtual void add_request(const serving::RequestRecord& r) = 0;  // a finished request
  // source: "" for the run's own /metrics scrape or server log, "prometheus" for a fleet read
  // (MetricSeries::source); series of different sources never merge.
  virtual void add_samples(const serving::SeriesKey& key, const std::vector<serving::Sample>& samples,
                           bool from_log = false, const std::string& source = {}) = 0;
  virtual void add_server_event(const serving::ServerEvent& e) = 0;
  virtual void add_kv_events(
      const std::vector<kv::KvBlockEvent>& events) = 0;  // vLLM KV events, as they came
};

}  // namespace hp
