#pragma once
// Builds a live capture's snapshots one after another, at a cost that follows what changed rather
// than what the capture holds: the requests recorded since the last snapshot are appended to columns
// that the earlier snapshots share (SharedColumn), and the request lanes are extended, not packed
// again. The smaller tables (metric series, engine iterations, server and KV events) are rebuilt.
// Everything starts over when the clock moves (the profiler's traces arrive, or data earlier than the
// first second comes in).
#include <cstdint>
#include <memory>
#include <string>

#include "core/session/live_serving.h"
#include "core/session/snapshot.h"

namespace hp {

class LiveSessionBuilder {
 public:
  // `name`: the capture's source name (its endpoint).
  explicit LiveSessionBuilder(std::string name) : name_(std::move(name)) {}
  // The snapshot of what `live` holds now, beside `run` (pass the same Run until the profiler's
  // traces are imported: views keep their search and highlights while it stays the same object).
  Snapshot update(const LiveServing& live, std::shared_ptr<const Run> run);
  // Whether the last update started over (tests, benchmarks).
  bool rebuilt() const { return rebuilt_; }

 private:
  std::string name_;
  Session work_;  // request rows and strings are appended to; the rest is rebuilt each update
  std::shared_ptr<const Run> run_;
  Ns base_ = 0;
  size_t rows_ = 0;  // requests appended so far
  Ns req_lo_ = INT64_MAX, req_hi_ = INT64_MIN;
  Snapshot last_;
  bool rebuilt_ = false;
};

}  // namespace hp
