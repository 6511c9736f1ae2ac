#include "capture/gpu_sampler.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "capture/nvml.h"
#include "core/serving/serving_sink.h"

namespace hp::capture {

GpuSampler::GpuSampler(ServingSink* writer, double hz) : writer_(writer), hz_(std::clamp(hz, 0.1, 100.0)) {
  std::string err;
  nvml_ = Nvml::open(&err);
  if (!nvml_) {
    note_ = err + "; no GPU tracks";
    if (writer_) writer_->set_meta("measurement.note", note_);
    return;
  }
  gpus_ = nvml_->device_count();
  if (!writer_) return;
  writer_->set_meta("measurement.source", "nvml");
  writer_->set_meta("measurement.driver_version", nvml_->driver_version());
  writer_->set_meta("measurement.gpu_count", std::to_string(gpus_));
  writer_->set_meta("measurement.sample_hz", fmt::format("{}", hz_));
  std::string persistence, policy;
  for (unsigned i = 0; i < gpus_; ++i) {
    writer_->set_meta("measurement.gpu." + std::to_string(i) + ".name", nvml_->name(i));
    std::string p = nvml_->persistence(i), c = nvml_->clock_policy(i);
    if (i == 0 || p == persistence)
      persistence = p;
    else
      persistence = "mixed";
    if (i == 0 || c == policy)
      policy = c;
    else
      policy = "mixed";
  }
  if (gpus_) {
    writer_->set_meta("measurement.persistence_mode", persistence);
    writer_->set_meta("measurement.clock_policy", policy);
  } else {
    note_ = "NVML found no GPU; no GPU tracks";
    writer_->set_meta("measurement.note", note_);
  }
}

GpuSampler::~GpuSampler() {
  stop();
}

void GpuSampler::start() {
  if (!nvml_ || !gpus_ || thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { loop(); });
}

void GpuSampler::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (writer_ && nvml_ && !stopped_) writer_->set_meta("measurement.readings", std::to_string(readings_));
  stopped_ = true;
}

void GpuSampler::sample_once() {
  if (!nvml_) return;
  for (unsigned i = 0; i < gpus_; ++i) {
    serving::GpuReading r;
    if (!nvml_->read(i, &r)) continue;
    ++readings_;
    if (!writer_) continue;
    for (const auto& [key, sample] : serving::reading_samples(r))
      writer_->add_samples(key, {sample}, false, "nvml");
  }
}

void GpuSampler::loop() {
  using Clock = std::chrono::steady_clock;
  const auto period = std::chrono::nanoseconds(static_cast<int64_t>(1e9 / hz_));
  auto next = Clock::now();
  while (!stop_) {
    sample_once();
    next += period;
    if (next < Clock::now()) next = Clock::now();
    while (!stop_ && Clock::now() < next)
      std::this_thread::sleep_for(
          std::min<Clock::duration>(next - Clock::now(), std::chrono::milliseconds(20)));
  }
}

}  // namespace hp::capture
