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

#include "core/import/registry.h"
#include "core/model/run.h"

namespace hp {

// What one load produced: a Run, or the error that stopped it (as an import log entry).
struct LoadOutcome {
  std::vector<std::filesystem::path> inputs;
  std::shared_ptr<const Run> run;  // null when the load failed
  std::optional<LogEntry> error;   // set when the load failed
  double seconds = 0;
};

// Runs the load on the calling thread and turns every failure into a LoadOutcome::error.
LoadOutcome load_now(const std::vector<std::filesystem::path>& inputs, LoadProgress& progress);

class AsyncLoader {
 public:
  // `wake` is called from the worker when the load finishes (the shell posts an empty GLFW event).
  explicit AsyncLoader(std::function<void()> wake = {});
  ~AsyncLoader();  // cancels and joins a running load
  AsyncLoader(const AsyncLoader&) = delete;
  AsyncLoader& operator=(const AsyncLoader&) = delete;

  // Starts loading; a load already running is cancelled first.
  void start(std::vector<std::filesystem::path> inputs);
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
