#pragma once
// Thin ImDrawList code shared by the charts: a frame with both axes' ticks (from axis.h), the mapping
// from data to pixels, and a hover read-out position. Layout stays in each panel's model.
#include <imgui.h>

#include <string>

#include "views/plot/axis.h"

namespace hp::plot {

struct ChartArea {
  ImVec2 a, b;  // plot rectangle (top-left, bottom-right) in screen pixels
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  ImVec2 px(double x, double y) const;
  double x_at(float px_x) const;
  bool hovered = false;  // the mouse is over the plot rectangle
};

// Reserves `size` at the cursor, writes `title` above the plot, draws axes and ticks. Degenerate ranges
// are widened so that a single value still draws.
ChartArea begin_chart(const std::string& title, ImVec2 size, double x0, double x1, Unit xu, double y0,
                      double y1, Unit yu);

constexpr ImU32 kAxisColour = IM_COL32(150, 150, 150, 255);

}  // namespace hp::plot
