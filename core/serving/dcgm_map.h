#pragma once
// NVIDIA dcgm-exporter series onto the per-GPU gpu.* series of gpu_telemetry.h, keyed by Hostname (host),
// gpu and UUID (uuid): DCGM_FI_DEV_SM_CLOCK / _MEM_CLOCK (MHz), _POWER_USAGE (W), _GPU_TEMP (C),
// _GPU_UTIL / _MEM_COPY_UTIL (%), _FB_USED (MiB), _CLOCK_THROTTLE_REASONS / _CLOCKS_EVENT_REASONS (mask),
// and every DCGM_FI_PROF_<X> as gpu.prof.<x> (a 0-1 ratio). Units already match, so values are copied.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/serving/metric_sample.h"
#include "core/serving/prometheus_text.h"

namespace hp::serving {

// The gpu.* key of a dcgm-exporter series; nullopt for series that are not mapped or carry no gpu label.
std::optional<SeriesKey> dcgm_key(const SeriesKey& key);

struct DcgmScrape {
  std::vector<MetricSeries> series;              // source "dcgm", one sample each
  std::map<std::string, std::string> gpu_names;  // "host/gpu" or "gpu" -> modelName
  std::string driver;                            // DCGM_FI_DRIVER_VERSION label, when exported
  size_t unmapped = 0;                           // DCGM samples with no gpu.* counterpart
  size_t blank = 0;                              // DCGM blank values (>= 2^63 - 16) or non-finite, skipped
};

// One scrape of the exporter at `ts_ns` (samples with their own timestamp keep it).
DcgmScrape dcgm_from_scrape(const Scrape& scrape, int64_t ts_ns);

}  // namespace hp::serving
