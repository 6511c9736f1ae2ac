#include "views/plot/heatmap.h"

#include <algorithm>
#include <cmath>

namespace hp::plot {
namespace {

struct Stop {
  double at;
  uint8_t r, g, b;
};
// Viridis-like: perceptually ordered, readable on the dark theme, never grey (grey is "missing").
constexpr Stop kStops[] = {
    {0.0, 48, 18, 89}, {0.25, 59, 82, 139}, {0.5, 33, 145, 140}, {0.75, 94, 201, 98}, {1.0, 253, 231, 37}};

constexpr Rgba pack(uint8_t r, uint8_t g, uint8_t b) {
  return (0xffu << 24) | (Rgba{b} << 16) | (Rgba{g} << 8) | Rgba{r};
}

}  // namespace

Rgba scale_color(double v, double lo, double hi) {
  if (std::isnan(v)) return kMissing;
  double t = hi > lo ? (v - lo) / (hi - lo) : 0;
  t = std::clamp(t, 0.0, 1.0);
  size_t i = 0;
  while (i + 2 < std::size(kStops) && t > kStops[i + 1].at) ++i;
  const Stop& a = kStops[i];
  const Stop& b = kStops[i + 1];
  const double f = (t - a.at) / (b.at - a.at);
  auto mix = [f](uint8_t x, uint8_t y) { return static_cast<uint8_t>(std::lround(x + (y - x) * f)); };
  return pack(mix(a.r, b.r), mix(a.g, b.g), mix(a.b, b.b));
}

Rect HeatmapGrid::cell(size_t row, size_t col) const {
  const float x = area.x0 + static_cast<float>(col) * cell_w, y = area.y0 + static_cast<float>(row) * cell_h;
  return {x, y, x + cell_w, y + cell_h};
}

std::optional<std::pair<size_t, size_t>> HeatmapGrid::hit(float x, float y) const {
  if (!rows || !cols || cell_w <= 0 || cell_h <= 0) return std::nullopt;
  if (x < area.x0 || y < area.y0) return std::nullopt;
  const auto c = static_cast<size_t>((x - area.x0) / cell_w), r = static_cast<size_t>((y - area.y0) / cell_h);
  if (r >= rows || c >= cols) return std::nullopt;
  return std::make_pair(r, c);
}

HeatmapGrid heatmap_grid(Rect area, size_t rows, size_t cols) {
  HeatmapGrid g;
  g.area = area;
  g.rows = rows;
  g.cols = cols;
  g.cell_w = cols ? std::max(0.0f, area.x1 - area.x0) / static_cast<float>(cols) : 0;
  g.cell_h = rows ? std::max(0.0f, area.y1 - area.y0) / static_cast<float>(rows) : 0;
  return g;
}

std::vector<Rgba> heatmap_colors(const std::vector<double>& values, double lo, double hi) {
  std::vector<Rgba> out(values.size());
  for (size_t i = 0; i < values.size(); ++i) out[i] = scale_color(values[i], lo, hi);
  return out;
}

Legend heatmap_legend(double lo, double hi, Unit unit, int steps,
                      const std::vector<std::pair<double, std::string>>& marks) {
  Legend l;
  steps = std::max(steps, 2);
  for (int i = 0; i < steps; ++i) l.steps.push_back(scale_color(lo + (hi - lo) * i / (steps - 1), lo, hi));
  if (hi > lo) l.ticks = ticks(lo, hi, 4, unit);
  for (const auto& [v, label] : marks)
    if (hi > lo && v >= lo && v <= hi)
      l.marks.push_back({v, static_cast<float>((v - lo) / (hi - lo)), label});
  return l;
}

}  // namespace hp::plot
