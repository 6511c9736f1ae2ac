#pragma once
// NVML loaded at run time (dlopen "libnvidia-ml.so.1", or $HOTPATH_NVML_LIBRARY, which the tests point at a
// stub): no link-time dependency, so the build and CI stay GPU-free. Reads the per-GPU telemetry of
// core/serving/gpu_telemetry.h and locks or resets clocks.
#include <memory>
#include <string>

#include "core/serving/gpu_telemetry.h"

namespace hp::capture {

class Nvml {
 public:
  // nullptr with *error ("NVML not available: libnvidia-ml.so.1: cannot open ...") when the library is
  // missing, lacks an entry point, or nvmlInit fails.
  static std::unique_ptr<Nvml> open(std::string* error);
  ~Nvml();  // nvmlShutdown, dlclose
  Nvml(const Nvml&) = delete;
  Nvml& operator=(const Nvml&) = delete;

  unsigned device_count() const;
  std::string driver_version() const;  // "" when unknown
  std::string name(unsigned gpu) const;
  std::string uuid(unsigned gpu) const;
  std::string persistence(unsigned gpu) const;  // "on", "off" or "unknown"
  // "auto boost on/off" when the GPU reports it, else "unknown".
  std::string clock_policy(unsigned gpu) const;
  unsigned max_sm_clock(unsigned gpu) const;  // 0 when unknown
  // One reading (ts_ns = now); fields the GPU does not report stay NaN. False when the device is gone.
  bool read(unsigned gpu, serving::GpuReading* out) const;
  // Locks SM (and memory, when mem_mhz > 0) clocks to one frequency; false with *error naming the NVML
  // error ("Insufficient Permissions", "Not Supported") otherwise.
  bool lock_clocks(unsigned gpu, unsigned sm_mhz, unsigned mem_mhz, std::string* error) const;
  bool reset_clocks(unsigned gpu, std::string* error) const;

 private:
  struct Api;
  Nvml() = default;
  void* lib_ = nullptr;
  bool initialized_ = false;  // nvmlInit succeeded: shut down on destruction
  std::unique_ptr<Api> api_;
};

// The library path open() uses: $HOTPATH_NVML_LIBRARY when set, else "libnvidia-ml.so.1".
std::string nvml_library_path();

}  // namespace hp::capture
