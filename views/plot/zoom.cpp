#include "views/plot/zoom.h"

#include <algorithm>
#include <cmath>

namespace hp::plot {

std::optional<DataBox> drag_to_box(const PlotMap& m, float ax, float ay, float bx, float by, float min_px) {
  const Rect& r = m.px;
  if (r.x1 <= r.x0 || r.y1 <= r.y0) return std::nullopt;
  const float l = std::clamp(std::min(ax, bx), r.x0, r.x1), rt = std::clamp(std::max(ax, bx), r.x0, r.x1);
  const float t = std::clamp(std::min(ay, by), r.y0, r.y1), b = std::clamp(std::max(ay, by), r.y0, r.y1);
  if (rt - l < min_px) return std::nullopt;
  auto x_at = [&](float px) {
    return m.x0 + (m.x1 - m.x0) * static_cast<double>((px - r.x0) / (r.x1 - r.x0));
  };
  auto y_at = [&](float py) {
    return m.y0 + (m.y1 - m.y0) * static_cast<double>((r.y1 - py) / (r.y1 - r.y0));
  };
  DataBox box{x_at(l), x_at(rt), m.y0, m.y1, false};
  if (b - t >= min_px) box.y0 = y_at(b), box.y1 = y_at(t), box.zoom_y = true;
  return box;
}

Stacks stack_bars(const std::vector<std::vector<double>>& series) {
  Stacks out;
  size_t bins = 0;
  for (const auto& s : series) bins = std::max(bins, s.size());
  for (size_t bin = 0; bin < bins; ++bin) {
    double y = 0;
    for (size_t si = 0; si < series.size(); ++si) {
      if (bin >= series[si].size()) continue;
      const double v = series[si][bin];
      if (std::isnan(v) || v < 0) {
        ++out.skipped;
        continue;
      }
      if (v == 0) continue;
      out.segments.push_back({bin, si, y, y + v});
      y += v;
    }
    out.top = std::max(out.top, y);
  }
  return out;
}

}  // namespace hp::plot
