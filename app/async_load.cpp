#include "app/async_load.h"

#include <fmt/format.h>

#include <chrono>
#include <exception>

#include "core/session/load_session.h"

namespace hp {

LoadOutcome load_now(const std::vector<std::filesystem::path>& inputs, LoadProgress& progress, bool derive,
                     const ClockShifts& shifts) {
  LoadOutcome out;
  out.inputs = inputs;
  auto t0 = std::chrono::steady_clock::now();
  LogEntry err;
  err.severity = Severity::Error;
  try {
    auto session = load_session(inputs, progress, shifts);
    out.snapshot = derive ? make_snapshot(std::move(session)) : Snapshot{std::move(session), nullptr};
    out.run = out.snapshot.session->run;
  } catch (const ImportError& e) {
    err.code = "load.failed";
    err.file = e.file();
    err.offset = e.offset();
    // ImportError::what() is "<file>: byte <offset>: <problem>"; keep only the problem.
    std::string prefix = fmt::format("{}: byte {}: ", e.file(), e.offset());
    std::string what = e.what();
    err.message = what.rfind(prefix, 0) == 0 ? what.substr(prefix.size()) : what;
    out.error = err;
  } catch (const std::exception& e) {
    err.code = "load.failed";
    err.file = inputs.empty() ? std::string() : inputs.front().string();
    err.message = e.what();
    if (!err.file.empty() && err.message.rfind(err.file + ": ", 0) == 0)
      err.message.erase(0, err.file.size() + 2);
    out.error = err;
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

std::string load_error_text(const LogEntry& e) {
  if (e.offset == LogEntry::kNoOffset) return fmt::format("{}: {}", e.file, e.message);
  return fmt::format("{}: byte {}: {}", e.file, e.offset, e.message);
}

AsyncLoader::AsyncLoader(std::function<void()> wake)
    : wake_(std::move(wake)), progress_(std::make_unique<LoadProgress>()) {}

AsyncLoader::~AsyncLoader() {
  if (progress_) progress_->cancel = true;
  join();
}

void AsyncLoader::join() {
  if (worker_.joinable()) worker_.join();
}

void AsyncLoader::start(std::vector<std::filesystem::path> inputs, ClockShifts shifts) {
  progress_->cancel = true;
  join();
  {
    std::lock_guard<std::mutex> lock(mu_);
    done_.reset();
  }
  progress_ = std::make_unique<LoadProgress>();
  inputs_ = std::move(inputs);
  running_ = true;
  worker_ = std::thread([this, inputs = inputs_, shifts = std::move(shifts), progress = progress_.get()] {
    LoadOutcome out = load_now(inputs, *progress, true, shifts);
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = std::move(out);
    }
    if (wake_) wake_();
  });
}

std::optional<LoadOutcome> AsyncLoader::take() {
  std::optional<LoadOutcome> out;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!done_) return std::nullopt;
    out = std::move(done_);
    done_.reset();
  }
  join();
  running_ = false;
  return out;
}

}  // namespace hp
