#pragma once
// Thin ImDrawList code shared by the charts: a frame with both axes' ticks (from axis.h), the mapping
// from data to pixels, and a hover read-out position. Layout stays in each panel's model.
#include <imgui.h>

#include <string>

#include "views/plot/axis.h"
#include "views/plot/bins.h"
#include "views/plot/zoom.h"

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

// Draws min/max-decimated columns (bins.h) spread evenly over the plot's width as one band per run of
// non-empty columns: a triangle strip through each column's [min, max], at least 1 px tall. A flat
// stretch is a 1-px line, a step a near-vertical edge, a noisy stretch its envelope. Two vertices a
// column, a quarter of what a min/max polyline costs.
void draw_columns(ImDrawList* dl, const ChartArea& a, const std::vector<Column>& cols, ImU32 colour);

PlotMap plot_map(const ChartArea& a);

// Box-zoom on a chart: call right after the chart's item (begin_chart's button). A left drag over the
// plot shows a band and, on release, gives the box it covers; a double-click asks for a reset.
struct BoxZoomState {
  bool dragging = false;
  ImVec2 from;
};
enum class ZoomEvent { None, Zoomed, Reset };
ZoomEvent box_zoom(const ChartArea& a, BoxZoomState& st, DataBox* box);

// Stacked bars (stack_bars): bin i spans [edges[i], edges[i+1]) in x; series s takes colours[s % n].
void draw_stacks(ImDrawList* dl, const ChartArea& a, const Stacks& stacks, const std::vector<double>& edges,
                 const ImU32* colours, size_t n);

constexpr ImU32 kAxisColour = IM_COL32(150, 150, 150, 255);

}  // namespace hp::plot
