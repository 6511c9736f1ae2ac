#pragma once
// Per-GPU telemetry as metric series: one reading (NVML sample or dcgm-exporter scrape) becomes one
// sample in each of the canonical gpu.* series below, labelled gpu (index), uuid and, for fleets, host.
// These are ordinary MetricSeries (stored with source "nvml" or "dcgm"), so they show as counter tracks.
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/serving/metric_sample.h"

namespace hp::serving {

// Canonical series names, in the units their suffixes say.
inline constexpr std::string_view kGpuSmClock = "gpu.sm_clock_mhz";
inline constexpr std::string_view kGpuMemClock = "gpu.mem_clock_mhz";
inline constexpr std::string_view kGpuPower = "gpu.power_w";
inline constexpr std::string_view kGpuTemp = "gpu.temp_c";
inline constexpr std::string_view kGpuUtil = "gpu.util_pct";
inline constexpr std::string_view kGpuMemUtil = "gpu.mem_util_pct";
inline constexpr std::string_view kGpuMemUsed = "gpu.mem_used_mib";
inline constexpr std::string_view kGpuThrottle = "gpu.throttle_reasons";  // NVML bit mask

// NVML clock throttle reason bits that matter for a measurement (nvmlClocksThrottleReason*).
inline constexpr uint64_t kThrottleAppClocks = 0x2;  // clocks held by an applications/locked clock setting
inline constexpr uint64_t kThrottleSwPowerCap = 0x4;
inline constexpr uint64_t kThrottleHwSlowdown = 0x8;
inline constexpr uint64_t kThrottleSwThermal = 0x20;
inline constexpr uint64_t kThrottleHwThermal = 0x40;

struct GpuReading {
  int64_t ts_ns = 0;  // epoch ns
  std::string gpu;    // device index as text ("0")
  std::string uuid;   // "GPU-..." when known
  std::string host;   // dcgm-exporter's Hostname; "" for this machine
  double sm_clock_mhz = NAN, mem_clock_mhz = NAN, power_w = NAN, temp_c = NAN, util_pct = NAN,
         mem_util_pct = NAN, mem_used_mib = NAN, throttle_reasons = NAN;  // NaN: not reported
};

// The labels of a GPU's series: gpu, host (when set), uuid (when set), sorted by name.
Labels gpu_labels(std::string_view gpu, std::string_view uuid, std::string_view host);

// One (series, sample) pair per reported field of the reading, in the order of the constants above.
std::vector<std::pair<SeriesKey, Sample>> reading_samples(const GpuReading& r);

// Appends the reading to `series` (adding a series the first time a key is seen).
void append_reading(std::vector<MetricSeries>& series, const GpuReading& r, const std::string& source);

bool is_gpu_series(std::string_view name);

}  // namespace hp::serving
