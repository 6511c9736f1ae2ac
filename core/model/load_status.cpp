#include "core/model/load_status.h"

#include <fmt/format.h>
#include <sys/resource.h>

namespace hp {

ImportError::ImportError(const std::string& file, uint64_t offset, const std::string& what)
    : std::runtime_error(fmt::format("{}: byte {}: {}", file, offset, what)), file_(file), offset_(offset) {}

namespace {
double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}
}  // namespace

PhaseTimer::PhaseTimer(LoadProgress* progress, const char* name)
    : progress_(progress), name_(name), t0_(std::chrono::steady_clock::now()) {
  if (progress_) cpu0_ = process_cpu_seconds();
}

void PhaseTimer::stop() {
  if (!progress_) return;
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
  progress_->phases.push_back({name_, wall, process_cpu_seconds() - cpu0_});
  progress_ = nullptr;
}

}  // namespace hp
