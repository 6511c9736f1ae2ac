#pragma once
// The Prefill/decode panel's model: core/session/phase_split over the session (or the selected range),
// scatter points for the two cost curves (strided to at most max_points, axes cut a little past the
// 99th percentile so one slow step does not squash the rest), and the server's per-request prefill and
// decode time. Pure; drawn by phases_panel.h.
#include <string>
#include <vector>

#include "core/session/phase_split.h"
#include "core/session/snapshot.h"

namespace hp {

struct CostScatter {
  std::vector<double> x, ms;  // the points drawn (every k-th of the curve's)
  size_t total = 0;           // points of the curve
  double x_max = 1, ms_max = 1;
  size_t above = 0;  // points above ms_max, counted
};

struct PhasesModel {
  PhaseSplit split;
  CostScatter prefill, decode;
  size_t server_requests = 0;  // requests with server prefill and decode times
  double server_prefill_s = 0, server_decode_s = 0;
  std::string note;  // what the session lacks
};

PhasesModel phases_model(const Session& s, const StageAssignment* stages, Ns begin = INT64_MIN,
                         Ns end = INT64_MAX, size_t max_points = 20000);

}  // namespace hp
