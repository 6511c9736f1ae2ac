#pragma once
// Loads inputs with hp::load_inputs on a worker thread; the UI polls progress and takes the result.
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/model/import_log.h"
#include "core/model/load_status.h"
#include "core/session/load_session.h"
#include "core/session/snapshot.h"

namespace hp {

// What one load produced: a Session snapshot (built with its derived data on the loading thread), or
// the error that stopped it (as an import log entry).
struct LoadOutcome {
  std::vector<std::filesystem::path> inputs;
  Snapshot snapshot;               // empty when the load failed
  std::shared_ptr<const Run> run;  // snapshot.session->run; null when the load failed
  std::optional<LogEntry> error;   // set when the load failed
  double seconds = 0;
};

// Runs the load on the calling thread and turns every failure into a LoadOutcome::error. Without
// `derive`, the snapshot carries no derived data (CLI commands that only read the tables).
LoadOutcome load_now(const std::vector<std::filesystem::path>& inputs, LoadProgress& progress,
                     bool derive = true, const ClockShifts& shifts = {});

// A failed load as the CLI prints it: "FILE: byte N: PROBLEM", or "FILE: PROBLEM" without an offset.
std::string load_error_text(const LogEntry& e);

class AsyncLoader {
 public:
  // `wake` is called from the worker when the load finishes (the shell posts an empty GLFW event).
  explicit AsyncLoader(std::function<void()> wake = {});
  ~AsyncLoader();  // cancels and joins a running load
  AsyncLoader(const AsyncLoader&) = delete;
  AsyncLoader& operator=(const AsyncLoader&) = delete;

  // Starts loading; a load already running is cancelled first.
  void start(std::vector<std::filesystem::path> inputs, ClockShifts shifts = {});
  bool busy() const { return running_; }
  const LoadProgress& progress() const { return *progress_; }
  const std::vector<std::filesystem::path>& inputs() const { return inputs_; }
  // The finished outcome, once; nullopt while running or when nothing finished since last call.
  std::optional<LoadOutcome> take();

 private:
  void join();
  std::function<void()> wake_;
  std::unique_ptr<LoadProgress> progress_;
  std::vector<std::filesystem::path> inputs_;
  std::thread worker_;
  std::mutex mu_;
  std::optional<LoadOutcome> done_;
  bool running_ = false;
};

}  // namespace hp
