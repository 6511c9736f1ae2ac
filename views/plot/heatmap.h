#pragma once
// Heatmap layout for every grid chart (layers x experts, replicas x time bins): where each cell
// goes in a rectangle, its colour on a sequential scale (missing cells apart from 0), the cell
// under a point, and the colour legend with its ticks and marks. Pure; the draw code places what
// this returns.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "views/plot/axis.h"

namespace hp::plot {

using Rgba = uint32_t;  // ImGui's packed ABGR (IM_COL32)

// The scale: value in [lo, hi] -> dark blue .. teal .. yellow (viridis-like stops); below lo is lo,
// above hi is hi; NaN (missing) -> kMissing, a grey that no value gets.
constexpr Rgba kMissing = 0xff505050u;
Rgba scale_color(double v, double lo, double hi);

struct Rect {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
};

struct HeatmapGrid {
  Rect area;  // the rectangle cells fill
  size_t rows = 0, cols = 0;
  float cell_w = 0, cell_h = 0;
  // Cell (row, col) covers [x0 + col*cell_w, +cell_w) x [y0 + row*cell_h, +cell_h).
  Rect cell(size_t row, size_t col) const;
  // The cell under (x, y), or nullopt outside the grid.
  std::optional<std::pair<size_t, size_t>> hit(float x, float y) const;
};
HeatmapGrid heatmap_grid(Rect area, size_t rows, size_t cols);

// Row-major colours of `values` (rows x cols) on the scale [lo, hi].
std::vector<Rgba> heatmap_colors(const std::vector<double>& values, double lo, double hi);

struct Legend {
  std::vector<Rgba> steps;  // `n` colours from lo to hi, drawn as a bar
  std::vector<Tick> ticks;  // nice values over [lo, hi], labelled in `unit`
  struct Mark {
    double value = 0;
    float at = 0;  // 0..1 along the bar
    std::string label;
  };
  std::vector<Mark> marks;  // e.g. the expected share 1/E
};
Legend heatmap_legend(double lo, double hi, Unit unit, int steps = 32,
                      const std::vector<std::pair<double, std::string>>& marks = {});

}  // namespace hp::plot
