#pragma once
// The run file's bookkeeping around a serving capture: the meta written at the start and at the end,
// the fleet's series read from Prometheus afterwards, and the profiler's traces stored beside the
// serving tables.
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "capture/replay_client.h"
#include "capture/serve_options.h"
#include "core/model/run.h"
#include "core/serving/serving_sink.h"
#include "core/serving/traffic.h"

namespace hp::capture {

void remove_run_file(const std::string& path);  // and its -wal and -shm

void write_start_meta(ServingSink& w, const ServeOpts& o, const ReplayOptions& ro,
                      const serving::Traffic& traffic, const std::string& engine, int64_t warmup,
                      int64_t num_requests);

// --prometheus: the fleet's canonical series and dcgm-exporter's GPU series over [start, end] (both
// inclusive), restricted by --prometheus-selector, stored as fleet reads ("prometheus", "dcgm").
struct FleetRead {
  std::set<std::string> series, dcgm_series;  // the series that returned samples (format_series)
  std::string error;                          // the first failed query ("" none)
};
FleetRead read_fleet(ServingSink& w, const ServeOpts& o, const std::string& engine, int64_t start_ns,
                     int64_t end_ns);
// `{__name__="x"}` plus the selector's matchers: with_selector("{__name__=\"x\"}", "job=\"vllm\"").
std::string with_selector(const std::string& query, const std::string& selector);

// Imports trace files (path -> stage) into one Run. Throws on a trace that does not import.
std::shared_ptr<const Run> import_traces(const std::map<std::filesystem::path, std::string>& traces);

// Stores a Run's trace tables into the run file `out`, keeping its serving tables.
void save_traces_into(const std::string& out, const Run& run);

}  // namespace hp::capture
