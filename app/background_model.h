#pragma once
// A panel model computed on a worker thread, so that a large session (a million requests) never
// stalls the frame: the panel keeps drawing the last finished model while the next one is computed.
// A job must capture what it reads by value (Session snapshots are immutable). A job superseded
// before it finishes is retired: its thread is joined once done, its result dropped.
#include <chrono>
#include <exception>
#include <functional>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace hp {

template <class Model>
class BackgroundModel {
 public:
  BackgroundModel() = default;
  ~BackgroundModel() {
    if (pending_.thread.joinable()) pending_.thread.join();
    for (Job& j : retired_) j.thread.join();
  }
  BackgroundModel(const BackgroundModel&) = delete;
  BackgroundModel& operator=(const BackgroundModel&) = delete;

  // `wake` is called from the worker once the result is ready (the shell posts an empty GLFW event).
  void start(std::function<Model()> job, std::function<void()> wake = {}) {
    if (pending_.thread.joinable()) retired_.push_back(std::move(pending_));
    std::packaged_task<Model()> task(std::move(job));
    pending_.result = task.get_future();
    pending_.thread = std::thread([t = std::move(task), wake = std::move(wake)]() mutable {
      t();
      if (wake) wake();
    });
  }
  // Takes a finished result into model(); true when it did. A job that threw leaves the model as it
  // was and its message in error().
  bool poll() {
    std::erase_if(retired_, [](Job& j) {
      if (!done(j)) return false;
      j.thread.join();
      return true;
    });
    if (!pending_.thread.joinable() || !done(pending_)) return false;
    pending_.thread.join();
    try {
      model_ = pending_.result.get();
      error_.clear();
    } catch (const std::exception& e) {
      error_ = e.what();
    }
    return error_.empty();
  }
  // Blocks until the pending job is done, then takes it (headless callers and tests).
  bool wait() {
    if (pending_.thread.joinable()) pending_.result.wait();
    return poll();
  }
  bool busy() const { return pending_.thread.joinable(); }
  bool ready() const { return busy() && done(pending_); }
  std::optional<Model>& model() { return model_; }
  const std::optional<Model>& model() const { return model_; }
  const std::string& error() const { return error_; }

 private:
  struct Job {
    std::future<Model> result;
    std::thread thread;
  };
  static bool done(const Job& j) {
    return j.result.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
  }
  Job pending_;
  std::vector<Job> retired_;
  std::optional<Model> model_;
  std::string error_;
};

}  // namespace hp
