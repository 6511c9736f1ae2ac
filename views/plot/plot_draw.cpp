#include "views/plot/plot_draw.h"

#include <algorithm>

namespace hp::plot {

ImVec2 ChartArea::px(double x, double y) const {
  const double fx = (x - x0) / (x1 - x0), fy = (y - y0) / (y1 - y0);
  return ImVec2(a.x + static_cast<float>(fx) * (b.x - a.x), b.y - static_cast<float>(fy) * (b.y - a.y));
}

double ChartArea::x_at(float px_x) const {
  return x0 + (x1 - x0) * static_cast<double>((px_x - a.x) / std::max(1.0f, b.x - a.x));
}

ChartArea begin_chart(const std::string& title, ImVec2 size, double x0, double x1, Unit xu, double y0,
                      double y1, Unit yu) {
  if (!(x1 > x0)) x1 = x0 + 1;
  if (!(y1 > y0)) y1 = y0 + 1;
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(title.c_str(), size);
  ChartArea c;
  c.hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float line = ImGui::GetTextLineHeight();
  dl->PushClipRect(p, ImVec2(p.x + size.x, p.y + size.y), true);
  dl->AddText(p, IM_COL32(220, 220, 220, 255), title.c_str());
  const std::vector<Tick> yt = ticks(y0, y1, std::max(2, static_cast<int>(size.y / (line * 2.5f))), yu);
  float label_w = 0;
  for (const auto& t : yt) label_w = std::max(label_w, ImGui::CalcTextSize(t.label.c_str()).x);
  c.a = ImVec2(p.x + label_w + 8, p.y + line * 1.5f);
  c.b = ImVec2(p.x + size.x - 8, p.y + size.y - line * 1.4f);
  c.x0 = x0, c.x1 = x1, c.y0 = y0, c.y1 = y1;
  if (c.b.x - c.a.x < 10 || c.b.y - c.a.y < 10) {
    dl->PopClipRect();
    return c;
  }
  dl->AddRect(c.a, c.b, IM_COL32(70, 70, 70, 255));
  for (const auto& t : yt) {
    const float y = c.px(x0, t.value).y;
    dl->AddLine(ImVec2(c.a.x - 3, y), ImVec2(c.a.x, y), kAxisColour);
    const float tw = ImGui::CalcTextSize(t.label.c_str()).x;
    dl->AddText(ImVec2(c.a.x - 5 - tw, y - line / 2), kAxisColour, t.label.c_str());
  }
  for (const auto& t : ticks(x0, x1, std::max(2, static_cast<int>((c.b.x - c.a.x) / 110)), xu)) {
    const float x = c.px(t.value, y0).x;
    dl->AddLine(ImVec2(x, c.b.y), ImVec2(x, c.b.y + 3), kAxisColour);
    const float tw = ImGui::CalcTextSize(t.label.c_str()).x;
    dl->AddText(ImVec2(std::clamp(x - tw / 2, c.a.x, c.b.x - tw), c.b.y + 2), kAxisColour, t.label.c_str());
  }
  dl->PopClipRect();
  return c;
}

}  // namespace hp::plot
