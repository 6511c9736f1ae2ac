#pragma once
// What every view reads: an immutable Session and the data derived from it once, off the UI thread
// (request lanes, the trace's engine steps, counter rates and each series' plotted range).
#include <memory>
#include <utility>
#include <vector>

#include "core/analysis/stage_assign.h"
#include "core/session/request_lanes.h"
#include "core/session/session.h"

namespace hp {

struct SessionDerived {
  RequestLanes lanes;
  StageAssignment stages;
  // Per series: counters as per-second rates since the previous sample (reset-aware); empty for
  // gauges, which plot their own values. extent: [min, max] of what is plotted.
  std::vector<std::vector<double>> plotted;
  std::vector<std::pair<double, double>> extent;
};

struct Snapshot {
  std::shared_ptr<const Session> session;
  std::shared_ptr<const SessionDerived> derived;
  explicit operator bool() const { return session != nullptr; }
  const Run& run() const { return *session->run; }
  const double* plotted(size_t series) const;  // the values the timeline draws for a series
};

// Computes the derived data (seconds on a 1 GB trace: call it on a worker thread).
Snapshot make_snapshot(std::shared_ptr<const Session> session);

// The derived series data alone: counter rates and plotted extents.
void derive_series(const Session& s, SessionDerived& d);

// Counter samples as rates per second: (v[i] - v[i-1]) / dt, a drop counts as a reset (v[i] / dt);
// the first sample has rate 0.
std::vector<double> counter_rates(const Ns* ts, const double* v, size_t n);

}  // namespace hp
