#pragma once
// The Latency panel: one chart per metric (histogram, CDF line, p50/p90/p99 lines, the SLO target)
// over the session's requests or those that started in the selected range, then the server's own
// Prometheus histograms; an SLO box edits the targets and shows the goodput. Dragging across a chart
// zooms its value axis (rebinned from the samples); a double-click resets it.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "views/latency_model.h"
#include "views/plot/plot_draw.h"

namespace hp {

struct LatencyPanelState {
  char slo[128] = {};
  bool synced = false;                  // the box took the session's SLO (--slo) once
  std::string slo_error, slo_rejected;  // the last text that did not parse, and why
  // Box-zoom on the value axis, per chart (metric, or metric/family for a server histogram): the
  // window in ms survives a new model; its rebinned view is cached per model.
  std::vector<plot::BoxZoomState> drag;
  std::map<std::string, std::pair<double, double>> window;
  std::map<std::string, LatencyView> views;
  const LatencyModel* views_for = nullptr;
};

// Returns true when the user changed the SLO text to a valid one (written to `slo`).
bool draw_latency_panel(const LatencyModel& model, bool in_range, LatencyPanelState& state, std::string& slo);

}  // namespace hp
