#include "app/live_publisher.h"

#include <algorithm>

namespace hp {

LivePublisher::LivePublisher(const LiveServing* live, std::string source_name,
                             std::chrono::milliseconds period)
    : live_(live), builder_(std::move(source_name)), period_(period) {}

LivePublisher::~LivePublisher() {
  stop();
}

void LivePublisher::start() {
  {
    std::lock_guard lock(mu_);
    stop_ = false;
  }
  thread_ = std::thread([this] {
    std::unique_lock lock(mu_);
    while (!stop_) {
      lock.unlock();
      const bool published = publish_once();
      if (published && wake_) wake_();
      lock.lock();
      // A snapshot that took long to build waits four times as long before the next: publishing
      // keeps to a fifth of a core however large the capture grows.
      const auto wait = std::max<std::chrono::milliseconds>(
          period_, std::chrono::milliseconds(static_cast<int64_t>(4 * stats_.last_ms)));
      cv_.wait_for(lock, wait, [this] { return stop_; });
    }
  });
}

void LivePublisher::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LivePublisher::set_run(std::shared_ptr<const Run> run) {
  std::lock_guard lock(mu_);
  run_ = run ? std::move(run) : std::make_shared<const Run>();
  run_changed_ = true;
}

bool LivePublisher::publish_once() {
  std::shared_ptr<const Run> run;
  {
    std::lock_guard lock(mu_);
    if (live_->version() == seen_version_ && !run_changed_) return false;
    run_changed_ = false;
    run = run_;
  }
  const auto t0 = std::chrono::steady_clock::now();
  const uint64_t version = live_->version();  // read before the copy: a later change publishes again
  Snapshot snap = builder_.update(*live_, std::move(run));
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  std::lock_guard lock(mu_);
  seen_version_ = version;
  ready_ = std::move(snap);
  ++stats_.published;
  stats_.last_ms = ms;
  stats_.max_ms = std::max(stats_.max_ms, ms);
  stats_.total_ms += ms;
  return true;
}

std::optional<Snapshot> LivePublisher::take() {
  std::lock_guard lock(mu_);
  auto out = std::move(ready_);
  ready_.reset();
  return out;
}

PublishStats LivePublisher::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace hp
