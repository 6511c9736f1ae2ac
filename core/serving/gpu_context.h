#pragma once
// The measurement context of a run (what the GPUs ran at): driver, persistence mode, clock policy, whether
// the clocks were locked, and per GPU the SM/memory clock, temperature and power min/avg/max over the run,
// from the gpu.* series (gpu_telemetry.h) and the measurement.* meta keys the sampler writes:
//   measurement.source (nvml | dcgm), measurement.driver_version, measurement.persistence_mode,
//   measurement.clock_policy, measurement.gpu.<[host/]index>.name, measurement.note (why there are no
//   samples).
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hp {
struct ServingData;
}

namespace hp::serving {

struct RangeStats {
  double min = NAN, avg = NAN, max = NAN;  // avg over samples (the sampler's period is fixed)
  size_t samples = 0;
};

struct GpuContextRow {
  std::string gpu, host, uuid, name;
  RangeStats sm_clock, mem_clock, temp, power, util;
  size_t throttle_samples = 0;  // samples with a throttle reason mask
  size_t locked_samples = 0;    // ... with the applications/locked clock bit
  size_t power_capped = 0;      // ... with the software power cap bit
  size_t thermal_slowdown = 0;  // ... with a thermal or hardware slowdown bit
};

struct MeasurementContext {
  std::string source, driver, persistence, clock_policy, note;
  // "yes" (every throttle sample of every GPU had the locked bit), "no", or "unknown" (no throttle samples).
  std::string clocks_locked = "unknown";
  std::vector<GpuContextRow> gpus;  // by (host, gpu index)
  bool empty() const { return gpus.empty() && note.empty() && driver.empty(); }
};

MeasurementContext measurement_context(const ServingData& data);

// Report lines: "Driver 550.54.15, persistence on, clock policy ..., clocks locked: no", then one line per
// GPU: "GPU 0 NVIDIA H100: SM 1410/1755.3/1980 MHz, mem ..., temp 40-71 C, power avg 350.0 W peak 700.0 W".
std::vector<std::string> measurement_context_lines(const MeasurementContext& m);

// {source, driver, persistence, clock_policy, clocks_locked, note, gpus[...]} (serve_report.h documents it).
nlohmann::json measurement_context_json(const MeasurementContext& m);

}  // namespace hp::serving
