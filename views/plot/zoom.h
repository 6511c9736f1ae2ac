#pragma once
// Box-zoom and stacked bars, the layout half: which data box a mouse drag covers, and where each
// segment of a stacked bar goes. Pure; plot_draw.h does the mouse and the drawing.
#include <cstddef>
#include <optional>
#include <vector>

#include "views/plot/heatmap.h"

namespace hp::plot {

// A plot rectangle in pixels (y grows down) and the data it shows (y grows up).
struct PlotMap {
  Rect px;
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
};

struct DataBox {
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  bool zoom_y = false;  // the drag was tall enough to zoom y too
};

// The data box a drag from (ax, ay) to (bx, by) covers, clamped to the plot. nullopt for a drag
// narrower than `min_px` (a click). A drag less than `min_px` tall keeps the y span (zoom x only).
std::optional<DataBox> drag_to_box(const PlotMap& m, float ax, float ay, float bx, float by,
                                   float min_px = 4);

struct StackSegment {
  size_t bin = 0, series = 0;
  double y0 = 0, y1 = 0;  // bottom and top in data units
};
// Stacks series[s][bin] bottom-up in series order, bin by bin. Zero, negative and NaN values take no
// segment; `skipped` counts the negative and NaN ones. `top` is the highest stack.
struct Stacks {
  std::vector<StackSegment> segments;
  double top = 0;
  size_t skipped = 0;
};
Stacks stack_bars(const std::vector<std::vector<double>>& series);

}  // namespace hp::plot
