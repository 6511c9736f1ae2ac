#pragma once
// The Load panel: one chart per load concept with one line per replica, preemption (orange) and
// failed-request (red) markers along the top. Lines are reduced to min/max per 2-pixel column once per
// width (LoadPanelState caches them), so 10M samples draw as a few thousand segments.
#include <map>
#include <optional>
#include <vector>

#include "views/load_model.h"
#include "views/plot/plot_draw.h"
#include "views/timeline/view_range.h"

namespace hp {

struct LoadPanelState {
  const LoadModel* model = nullptr;  // what the cache was built for
  int columns = 0;
  std::vector<std::vector<std::vector<plot::Column>>> cols;  // [chart][line][column]
  std::vector<uint32_t> preempt_cols, failure_cols;          // markers per column
  // Box-zoom: a drag sets the ruler's range (every panel follows) and, when tall enough, the chart's
  // y span; a double-click goes back to the range before the first zoom and to full heights.
  std::vector<plot::BoxZoomState> drag;                     // per chart
  std::vector<plot::Rect> plots;                            // per chart: its plot rectangle as last drawn
  std::map<std::string, std::pair<double, double>> y_zoom;  // by concept
  std::optional<std::optional<TimeWindow>> before_zoom;
};

// `range` is the ruler's range (session time) that a box-zoom sets; null: no zoom in time.
void draw_load_panel(const LoadModel& model, LoadPanelState& state, bool in_range,
                     std::optional<TimeWindow>* range = nullptr);

}  // namespace hp
