#pragma once
// Samples every visible GPU through NVML (capture/nvml.h) at a fixed rate (10 Hz) on its own thread and
// stores the readings as per-GPU gpu.* series (core/serving/gpu_telemetry.h) with source "nvml", plus the
// measurement.* meta keys of core/serving/gpu_context.h. Without NVML it stores measurement.note and
// does nothing else: the run goes on.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

namespace hp {
class ServingSink;
}

namespace hp::capture {

class Nvml;

class GpuSampler {
 public:
  GpuSampler(ServingSink* writer, double hz = 10);
  ~GpuSampler();  // stops
  bool available() const { return nvml_ != nullptr; }
  // "NVML not available: ...; no GPU tracks" when unavailable, else "" .
  const std::string& note() const { return note_; }
  unsigned gpus() const { return gpus_; }
  void start();
  void stop();         // joins the thread; the first call stores measurement.readings
  void sample_once();  // one reading of every GPU, stored
  uint64_t readings() const { return readings_; }

 private:
  void loop();
  ServingSink* writer_;
  double hz_;
  std::unique_ptr<Nvml> nvml_;
  unsigned gpus_ = 0;
  std::string note_;
  std::atomic<bool> stop_{false};
  bool stopped_ = false;  // stop() wrote the final meta: the writer may be gone after it
  std::atomic<uint64_t> readings_{0};
  std::thread thread_;
};

}  // namespace hp::capture
