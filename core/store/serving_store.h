#pragma once
// Serving data in the .hotpath run file: requests with their chunk times, metric series and
// samples, log-derived series, and run metadata (engine, model, flags; credentials redacted).
// Written incrementally during capture (WAL, commit() at least once a second), so a killed
// capture loses at most the last second and the partial file still opens. These tables live in
// the same SQLite file as the trace columns of run_file.h (schema version 2 adds them).
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/serving/metric_sample.h"
#include "core/serving/request_record.h"

namespace hp {

struct ServingData {
  std::map<std::string, std::string> meta;  // engine, model, endpoint, flags, versions, ...
  std::vector<serving::RequestRecord> requests;
  std::vector<serving::MetricSeries> metrics;     // scraped or fleet series (canonical or raw names)
  std::vector<serving::MetricSeries> log_series;  // from server logs (iterations, stats lines)
  bool empty() const { return requests.empty() && metrics.empty() && log_series.empty(); }
};

class ServingWriter {
 public:
  // Creates the file (or adds the serving tables to an existing run file) in WAL mode.
  explicit ServingWriter(const std::filesystem::path& path);
  ~ServingWriter();  // commits what is pending
  ServingWriter(const ServingWriter&) = delete;
  ServingWriter& operator=(const ServingWriter&) = delete;

  void set_meta(const std::string& key, const std::string& value);  // value is redacted first
  void add_request(const serving::RequestRecord& r);                // a finished request
  void add_samples(const serving::SeriesKey& key, const std::vector<serving::Sample>& samples,
                   bool from_log = false);
  void commit();  // makes everything added so far durable

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads the serving tables (empty ServingData when the file has none). Throws ImportError on a
// corrupt file. Also reads the predecessor's serve_profile.db, mapped onto the same model.
ServingData read_serving(const std::filesystem::path& path);

}  // namespace hp
