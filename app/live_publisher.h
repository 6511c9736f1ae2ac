#pragma once
// Publishes a live capture as Session snapshots: a worker thread builds a new snapshot from the
// capture's in-memory copy at most every `period` and only when something changed, and the UI takes
// the newest one. Views only ever read snapshots, so the capture never waits on drawing.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/session/live_serving.h"
#include "core/session/live_session_builder.h"
#include "core/session/snapshot.h"

namespace hp {

struct PublishStats {
  uint64_t published = 0;
  double last_ms = 0, max_ms = 0, total_ms = 0;  // building one snapshot (session + derived data)
};

class LivePublisher {
 public:
  LivePublisher(const LiveServing* live, std::string source_name,
                std::chrono::milliseconds period = std::chrono::milliseconds(250));
  ~LivePublisher();  // stops
  LivePublisher(const LivePublisher&) = delete;
  LivePublisher& operator=(const LivePublisher&) = delete;

  void set_wake(std::function<void()> wake) { wake_ = std::move(wake); }
  void start();
  void stop();
  // The profiler's traces, imported: the next snapshot shows them beside the serving data.
  void set_run(std::shared_ptr<const Run> run);
  // The newest snapshot not taken yet.
  std::optional<Snapshot> take();
  // Builds and publishes one now if anything changed (the worker's step; tests call it directly).
  bool publish_once();
  PublishStats stats() const;

 private:
  const LiveServing* live_;
  LiveSessionBuilder builder_;  // the worker's alone
  std::chrono::milliseconds period_;
  std::function<void()> wake_;
  std::shared_ptr<const Run> run_ = std::make_shared<const Run>();  // the same one until traces arrive
  uint64_t seen_version_ = UINT64_MAX;
  bool run_changed_ = false;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::optional<Snapshot> ready_;
  PublishStats stats_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace hp
