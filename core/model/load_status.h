#pragma once
// What every loader shares: the error that stops a load (file, byte offset, problem) and the
// progress the UI thread polls.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace hp {

// A failure that stops a whole load. The message names the file, the byte offset and the problem.
class ImportError : public std::runtime_error {
 public:
  ImportError(const std::string& file, uint64_t offset, const std::string& what);
  const std::string& file() const { return file_; }
  uint64_t offset() const { return offset_; }

 private:
  std::string file_;
  uint64_t offset_;
};

// Wall and CPU seconds (all threads of the process) of one step of a load: CPU / wall says how many
// cores the step kept busy. For benchmarks and profiling.
struct LoadPhase {
  const char* name = "";
  double wall_s = 0, cpu_s = 0;
};

// Progress shared with the UI thread: bytes done of total, and a cancel flag.
struct LoadProgress {
  std::atomic<uint64_t> done{0};
  std::atomic<uint64_t> total{0};
  std::atomic<bool> cancel{false};
  std::vector<LoadPhase> phases;  // appended by the loading thread; read once the load returned
  double fraction() const {
    uint64_t t = total.load();
    return t ? static_cast<double>(done.load()) / static_cast<double>(t) : 0.0;
  }
};

// Times a step of a load into progress.phases, from construction to stop() (or destruction).
class PhaseTimer {
 public:
  PhaseTimer(LoadProgress* progress, const char* name);
  ~PhaseTimer() { stop(); }
  PhaseTimer(const PhaseTimer&) = delete;
  PhaseTimer& operator=(const PhaseTimer&) = delete;
  void stop();

 private:
  LoadProgress* progress_;
  const char* name_;
  std::chrono::steady_clock::time_point t0_;
  double cpu0_ = 0;
};

}  // namespace hp
