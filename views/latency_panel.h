#pragma once
// The Latency panel: one chart per metric (histogram, CDF line, p50/p90/p99 lines, the SLO target)
// over the session's requests or those that started in the selected range, then the server's own
// Prometheus histograms; an SLO box edits the targets and shows the goodput.
#include <string>

#include "views/latency_model.h"

namespace hp {

struct LatencyPanelState {
  char slo[128] = {};
  bool synced = false;                  // the box took the session's SLO (--slo) once
  std::string slo_error, slo_rejected;  // the last text that did not parse, and why
};

// Returns true when the user changed the SLO text to a valid one (written to `slo`).
bool draw_latency_panel(const LatencyModel& model, bool in_range, LatencyPanelState& state, std::string& slo);

}  // namespace hp
